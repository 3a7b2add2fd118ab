#!/usr/bin/env bash
# Builds the control-plane kit (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok)
# from the versions pinned in kit/go.mod into a cache outside the repo, keyed by those pins; prints the bin folder.
set -euo pipefail
kit="$(cd "$(dirname "$0")" && pwd)"
cache="${REBOOT_MANAGER_KIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reboot-manager-kit}"
key=$(cat "$kit/go.mod" "$kit/go.sum" "$kit/build.sh" "$kit"/cmd/*/*.go | sha256sum | cut -c1-16)
kube=$(cd "$kit" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
bin="$cache/$kube-$key/bin"
if [ -x "$bin/kwok" ]; then echo "$bin"; exit 0; fi

minor=$(cut -d. -f2 <<<"$kube")
# Without these the servers report v0.0.0-master, and version-aware clients (kubectl among them) misbehave.
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
tmp="$cache/.build-$key-$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
echo "building the control-plane kit (Kubernetes $kube) into $bin; cold, this takes about 5 minutes on 2 cores" >&2
(cd "$kit" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  ./cmd/etcd \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubectl \
  sigs.k8s.io/kwok/cmd/kwok)
mkdir -p "$(dirname "$bin")"
rm -rf "$bin" && mv "$tmp" "$bin"
echo "$bin"
