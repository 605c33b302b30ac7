#!/usr/bin/env bash
# Builds the Lambda for provided.al2023 and zips it for CloudFormation.
#
#   deploy/aws/build.sh                 arm64, version from git describe
#   ARCH=x86_64 VERSION=v1.2.0 deploy/aws/build.sh
#
# Writes build/bootstrap and build/sf-async-deploy-lambda-$ARCH.zip under the repository
# root, whatever the current directory. ARCH is the Lambda architecture (arm64 or x86_64,
# the template's Architecture parameter; amd64 is taken for x86_64). Needs go, and zip or
# python3 to write the archive.
set -euo pipefail

ARCH="${ARCH:-arm64}"
case "$ARCH" in
  arm64) goarch=arm64 ;;
  x86_64 | amd64) ARCH=x86_64 goarch=amd64 ;;
  *)
    echo "build.sh: ARCH must be arm64 or x86_64, not \"$ARCH\"" >&2
    exit 2
    ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

VERSION="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
out=build
zipfile="$out/sf-async-deploy-lambda-$ARCH.zip"
mkdir -p "$out"
rm -f "$out/bootstrap" "$zipfile"

# lambda.norpc drops the legacy Go RPC runtime, which provided.al2023 never uses.
# -X stamps internal/buildinfo.Version, which the Lambda logs when it starts.
CGO_ENABLED=0 GOOS=linux GOARCH="$goarch" go build -trimpath -tags lambda.norpc \
  -ldflags "-s -w -X github.com/sf-async-deploy/sf-async-deploy/internal/buildinfo.Version=$VERSION" \
  -o "$out/bootstrap" ./cmd/lambda

# The runtime runs the file named bootstrap at the archive's root; both tools keep its
# executable bit.
if command -v zip >/dev/null 2>&1; then
  zip -q -j -X "$zipfile" "$out/bootstrap"
elif command -v python3 >/dev/null 2>&1; then
  python3 -m zipfile -c "$zipfile" "$out/bootstrap"
else
  echo "build.sh: need zip or python3 to write $zipfile" >&2
  exit 1
fi

echo "$zipfile (sf-async-deploy $VERSION, linux/$goarch)"
