# Offline stand-in for moby/buildkit:buildx-stable-1, the image buildx's docker-container driver runs.
# Context (made by scripts/lab): rootfs.tar (host-arch busybox), buildkitd + buildctl (static, built
# from source), buildkit-runc (Debian's runc) and libs/ (the shared libraries runc needs, at the paths
# it looks them up). No git/ssh inside: git build contexts will not work with this image.
FROM scratch
ADD rootfs.tar /
COPY libs/ /
COPY buildkitd buildctl buildkit-runc /usr/bin/
ARG BUILDKIT_VERSION
LABEL org.buildx-tui.lab.buildkit-version=${BUILDKIT_VERSION}
ENV BUILDKIT_SETUP_CGROUPV2_ROOT=1
VOLUME /var/lib/buildkit
ENTRYPOINT ["buildkitd"]
