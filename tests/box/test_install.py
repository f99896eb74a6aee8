"""install.sh --root DIR: the files of a box under DIR, nothing on the host; twice is once."""
import hashlib
import os
import subprocess

from tests.box.conftest import SYSTEMD

INSTALL = SYSTEMD / "install.sh"


def install(root, *options) -> str:
    result = subprocess.run(["bash", str(INSTALL), "--root", str(root), *options], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def tree(root) -> dict:
    """Every path under root: kind, mode, modification time and, for files, a SHA-256."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest() if name in files else "dir"
            found[os.path.relpath(path, root)] = (digest, oct(info.st_mode), info.st_mtime_ns)
    return found


def test_install_twice_leaves_identical_files(tmp_path):
    root = tmp_path / "box"
    first_output = install(root)
    first = tree(root)
    second_output = install(root)
    assert tree(root) == first
    for path in ("etc/systemd/system/tokusoku.service", "etc/udev/rules.d/99-tokusoku-modems.rules",
                 "etc/tokusoku/tokusoku.toml", "usr/local/bin/tokusoku", "opt/tokusoku/README.md"):
        assert path in first, path
    assert (root / "etc/systemd/system/tokusoku.service").read_bytes() == (SYSTEMD / "tokusoku.service").read_bytes()
    assert oct(os.stat(root / "etc/tokusoku/tokusoku.toml").st_mode)[-3:] == "640"
    assert "var/lib/tokusoku" in first
    # Nothing ran on the host: the host commands were only printed.
    assert "would run: useradd --system" in first_output
    assert "would run: systemctl enable tokusoku.service" in first_output
    assert "install.sh: wrote" not in second_output and "restart tokusoku.service" not in second_output
    assert "restart tokusoku.service" in first_output


def test_install_never_overwrites_the_configuration(tmp_path):
    root = tmp_path / "box"
    install(root)
    mine = root / "etc/tokusoku/tokusoku.toml"
    mine.write_text('[appliance]\ncompany = "自分の会社"\n')
    install(root)
    assert mine.read_text() == '[appliance]\ncompany = "自分の会社"\n'


def test_uninstall_keeps_the_data_unless_purged(tmp_path):
    root = tmp_path / "box"
    install(root)
    (root / "var/lib/tokusoku/tokusoku.db").write_bytes(b"the business's data")
    (root / "var/lib/tokusoku/backups").mkdir()
    output = install(root, "--uninstall")
    for gone in ("etc/systemd/system/tokusoku.service", "etc/udev/rules.d/99-tokusoku-modems.rules",
                 "usr/local/bin/tokusoku", "opt/tokusoku"):
        assert not (root / gone).exists(), gone
    assert (root / "var/lib/tokusoku/tokusoku.db").read_bytes() == b"the business's data"
    assert (root / "etc/tokusoku/tokusoku.toml").exists()
    assert "would run: systemctl disable --now tokusoku.service" in output
    install(root, "--uninstall", "--purge")
    assert not (root / "var/lib/tokusoku").exists() and not (root / "etc/tokusoku").exists()


def test_purge_needs_uninstall(tmp_path):
    result = subprocess.run(["bash", str(INSTALL), "--root", str(tmp_path), "--purge"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "--purge goes with --uninstall" in result.stderr


def test_folders_get_the_modes_the_unit_asks_for(tmp_path):
    """systemd applies ConfigurationDirectoryMode=/StateDirectoryMode= at every start: the
    installer must create the folders the same way, or the two fight (and a 755 /etc/tokusoku
    shows the configuration folder to every user until the first start)."""
    unit = (SYSTEMD / "tokusoku.service").read_text()
    wanted = dict(line.split("=", 1) for line in unit.splitlines() if "DirectoryMode=" in line)
    root = tmp_path / "box"
    output = install(root)
    for key, folder in (("ConfigurationDirectoryMode", "etc/tokusoku"), ("StateDirectoryMode", "var/lib/tokusoku")):
        assert oct(os.stat(root / folder).st_mode)[-3:] == wanted[key].lstrip("0"), (key, folder)
    # The service user reads the configuration through the folder's group (systemd leaves the
    # owner of a ConfigurationDirectory alone).
    assert "would run: chown root:tokusoku /etc/tokusoku" in output
