"""The Builds screens: every build BuildKit recorded (issue #12)."""
