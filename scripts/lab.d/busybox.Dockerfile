# Multi-platform busybox base for the buildx-tui lab, made offline from Debian's busybox-static.
# The build context holds rootfs-amd64.tar, rootfs-arm64.tar (made by scripts/lab).
FROM scratch
ARG TARGETARCH
ADD rootfs-${TARGETARCH}.tar /
CMD ["sh"]
