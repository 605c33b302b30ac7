# syntax=docker/dockerfile:1
# The image of the GitHub Action (action.yml runs its ENTRYPOINT) and of the GitLab components
# (which override the entrypoint and run a script, so the image needs /bin/sh). Published
# prebuilt and multi-arch by .github/workflows/edge.yml and release.yml:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v1.2.3 .
# internal/shipcheck checks this file and runs its go build command.

# The compiler runs on the build machine's platform and cross-compiles for the target, so
# only the final stage's few steps need emulation.
FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
# .dockerignore lets in only go.mod, go.sum, cmd/ and internal/ (tests and testdata left out).
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath \
    -ldflags "-s -w -X github.com/sf-async-deploy/sf-async-deploy/internal/buildinfo.Version=${VERSION}" \
    -o /out/sf-async-deploy ./cmd/sf-async-deploy

# Alpine rather than scratch or distroless: GitLab jobs need a shell in the image. No USER and
# no WORKDIR: the Actions runner mounts the workspace as root and makes it the working folder.
FROM alpine:3.22
ARG VERSION=dev
RUN apk add --no-cache ca-certificates
COPY --from=build /out/sf-async-deploy /usr/local/bin/sf-async-deploy
LABEL org.opencontainers.image.title="sf-async-deploy" \
      org.opencontainers.image.description="Asynchronous Salesforce deployments from CI" \
      org.opencontainers.image.source="https://github.com/sf-async-deploy/sf-async-deploy" \
      org.opencontainers.image.version="${VERSION}"
ENTRYPOINT ["/usr/local/bin/sf-async-deploy"]
