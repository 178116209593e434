"""The user's settings: ``settings.toml`` in the app's config folder (model, template, reading
with a message per bad value, writing a value back with the file's comments kept)."""
