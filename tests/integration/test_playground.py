# SPDX-License-Identifier: GPL-3.0-or-later
"""The Docker playground's own scripts, run here without Docker.

The images are built by playground/scripts/build.sh, accounts.sh and
start.sh; there is no Docker engine in CI, so this runs those same scripts
on this machine in a temporary ROOT: `make install` into it, the lab
accounts written only under it, every service started from it on
127.0.0.1 and free ports, checked with real clients, and stopped by pid.
The machine's own accounts and services are never touched.
"""
import os
import pwd
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pexpect
import pytest

from conftest import BIN, REPO, free_port, run, stop_process, wait_for_port

PLAYGROUND = REPO / "playground"
SERVICES = ("telnetd", "telnet_server", "sshd", "ssh_server", "client")
LAB_USERS = ("root", "brandon")


def _make_variables():
    """make variables naming the build SHELLWIRE_BIN came from."""
    build = BIN.parent
    variables = []
    if build.name == "san":
        variables.append("SANITIZE=1")
        build = build.parent
    try:
        build_root = build.resolve().relative_to(REPO)
    except ValueError:
        build_root = build.resolve()
    return variables + [f"BUILD_ROOT={build_root}"]


def _script_env(**extra):
    """The environment for the lab scripts, without the calling make's."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SSH_AUTH_SOCK")}
    env.update(extra)
    return env


def _system_lab_state():
    """What the lab would change if it escaped its ROOT: the lab accounts
    in this machine's user database, and the lab's own paths under /.
    (Not a digest of /etc/passwd: other tests add throwaway accounts.)"""
    accounts = {user: _account(user) for user in LAB_USERS}
    paths = {path: os.path.exists(path) for path in (
        "/etc/shellwire", "/lab-keys", "/run/shellwire", "/home/brandon",
        "/usr/local/share/shellwire")}
    return accounts, paths


def _account(user):
    """USER's entry in this machine's user database, or None."""
    try:
        return tuple(pwd.getpwnam(user))
    except KeyError:
        return None


class Lab:
    """The playground installed and running under one temporary ROOT."""

    def __init__(self, directory):
        self.root = Path(directory) / "root"
        self.share = self.root / "usr/local/share/shellwire"
        self.bin = self.root / "usr/local/bin"
        self.etc = self.root / "etc/shellwire"
        # A fresh password, not the book's: these servers run as the
        # user running the tests, and listen while the tests run.
        self.password = secrets.token_hex(8)
        self.ports = {s: free_port() for s in SERVICES if s != "client"}
        self.proc = None
        self.log = Path(directory) / "start.log"

    def home(self, user):
        return self.root / "root" if user == "root" else \
            self.root / "home" / user

    def env(self):
        return _script_env(
            LAB_PASSWORD=self.password, LAB_NAME="127.0.0.1",
            LAB_SERVERS="127.0.0.1", LAB_ADDR="127.0.0.1",
            TELNETD_PORT=str(self.ports["telnetd"]),
            TELNET_SERVER_PORT=str(self.ports["telnet_server"]),
            SSHD_PORT=str(self.ports["sshd"]),
            SSH_SERVER_PORT=str(self.ports["ssh_server"]))

    def build(self):
        script = PLAYGROUND / "scripts/build.sh"
        result = subprocess.run(
            [str(script), "--no-deps", str(self.root), *_make_variables()],
            cwd=REPO, capture_output=True, text=True, timeout=300,
            env=self.env())
        assert result.returncode == 0, result.stdout + result.stderr
        result = subprocess.run(
            [str(self.share / "playground/accounts.sh"), str(self.root)],
            capture_output=True, text=True, timeout=60, env=self.env())
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self, timeout=30):
        """start.sh with every service; waits for its ready line."""
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [str(self.share / "playground/start.sh"), "--root",
                 str(self.root), *SERVICES],
                stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, env=self.env())
        deadline = time.monotonic() + timeout
        while "playground: ready:" not in self.log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("start.sh:\n" + self.log.read_text())
            time.sleep(0.05)
        for service, port in self.ports.items():
            if self.running(service):
                wait_for_port(port, self.proc)

    def running(self, service):
        return (self.root / "run/shellwire/pids" / service).exists()

    def pids(self):
        return [int(p.read_text())
                for p in (self.root / "run/shellwire/pids").iterdir()]

    def stop(self):
        """SIGTERM to start.sh, which stops each service by its pid."""
        if self.proc is None:
            return []
        pids = self.pids()
        stop_process(self.proc, timeout=15)
        deadline = time.monotonic() + 10
        alive = pids
        while alive and time.monotonic() < deadline:
            alive = [p for p in alive if _alive(p)]
            time.sleep(0.05)
        return alive

    def ssh_args(self, user, port, *command, login=None):
        """OpenSSH ssh as lab user USER on h1: its key, its known_hosts.
        The login name is the current user's (sshd runs as that user)
        unless LOGIN is given."""
        ssh = self.home(user) / ".ssh"
        return ["ssh", "-F", "/dev/null", "-p", str(port),
                "-i", str(ssh / "id_ed25519"), "-o", "IdentitiesOnly=yes",
                "-o", f"UserKnownHostsFile={ssh / 'known_hosts'}",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                f"{login or _current_user()}@127.0.0.1", *command]


def _alive(pid):
    """True while PID is a process that has not been reaped."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def _current_user():
    return pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    system_before = _system_lab_state()
    lab = Lab(tmp_path_factory.mktemp("playground"))
    lab.accounts_output = lab.build()
    try:
        lab.start()
        yield lab
    finally:
        alive = lab.stop()
        assert alive == [], f"still running after stop: {alive}"
        assert not (lab.root / "run/shellwire/ready").exists()
        assert _system_lab_state() == system_before


def _telnet_login(port, user, password, prompt):
    """The real telnet client, logged in as USER; returns the pexpect."""
    child = pexpect.spawn("telnet", ["127.0.0.1", str(port)],
                          timeout=20, encoding="utf-8")
    child.expect("login: ")
    child.sendline(user)
    child.expect("Password: ")
    child.sendline(password)
    child.expect(prompt)
    return child


def test_compose_hosts_match_the_scripts():
    yaml = pytest.importorskip("yaml", reason="python3-yaml is not installed")
    compose = yaml.safe_load((PLAYGROUND / "compose.yaml").read_text())
    services = compose["services"]
    assert sorted(services) == ["ftp", "h1", "www"]
    aliases = {name: s["networks"]["lab"].get("aliases", []) if
               s["networks"]["lab"] else [] for name, s in services.items()}
    assert aliases == {"ftp": ["ftp.example.com"], "h1": [],
                       "www": ["www.example.com"]}
    # Each lesson's port, with the server the lesson uses on it.
    assert services["ftp"]["command"] == ["telnetd", "sshd"]
    assert services["ftp"]["environment"]["TELNETD_PORT"].split() == \
        ["23", "2323"]
    assert services["www"]["command"] == ["sshd", "ssh_server",
                                          "telnet_server"]
    # compose v1 rejects a top-level name: .env names the project.
    assert "name" not in compose
    assert "COMPOSE_PROJECT_NAME=shellwire-playground\n" in \
        (PLAYGROUND / ".env").read_text()
    assert services["h1"]["command"] == ["client"]
    assert services["h1"]["environment"]["LAB_SERVERS"].split() == \
        ["ftp.example.com", "www.example.com"]
    assert sorted(services["h1"]["depends_on"]) == ["ftp", "www"]
    for name, service in services.items():
        assert service["environment"]["LAB_NAME"] in (
            aliases[name] or [name])
        assert service["volumes"] == ["lab-keys:/lab-keys"]
        assert service["image"] == "shellwire-playground:latest"
        build = service["build"]
        assert (PLAYGROUND / build["context"] / build["dockerfile"]).is_file()
        assert build["args"]["BASE"] == "${LAB_BASE:-debian:12}"
        assert service["healthcheck"]["test"] == [
            "CMD", "test", "-f", "/run/shellwire/ready"]
    assert "lab-keys" in compose["volumes"]


def test_ready_file_for_the_health_check(lab):
    assert (lab.root / "run/shellwire/ready").is_file()


def test_compose_file_is_valid_for_compose_v1():
    """Debian 12's docker-compose 1.29 reads compose.yaml (no engine
    needed), with the project name from .env."""
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed")
    result = run(["docker-compose", "config"], cwd=PLAYGROUND,
                 env=_script_env(), text=True)
    assert result.returncode == 0, result.stderr
    assert "image: shellwire-playground:latest" in result.stdout
    names = run(["docker-compose", "config", "--volumes"], cwd=PLAYGROUND,
                env=_script_env(), text=True)
    assert names.stdout == "lab-keys\n"


def test_every_builder_leaves_out_git_and_builds():
    """.dockerignore at the context's root, which the classic builder
    reads too (it never reads Dockerfile.dockerignore)."""
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    for pattern in (".git", "**/build", "**/__pycache__"):
        assert pattern in ignored
    assert not (PLAYGROUND / "Dockerfile.dockerignore").exists()


def test_dockerfile_runs_the_installed_scripts(lab):
    dockerfile = (PLAYGROUND / "Dockerfile").read_text()
    assert "RUN playground/scripts/build.sh --no-deps /stage" in dockerfile
    # Two stages: compilers in the first, install-deps.sh runtime in the
    # one the hosts run.
    assert dockerfile.count("\nFROM ${BASE} AS ") == 2
    assert "install-deps.sh build" in dockerfile
    assert "install-deps.sh runtime" in dockerfile
    installed = "/" + str((lab.share / "playground").relative_to(lab.root))
    assert f"RUN {installed}/accounts.sh /" in dockerfile
    assert f'ENTRYPOINT ["{installed}/start.sh"]' in dockerfile


def test_install_puts_programs_lessons_and_scripts_in_root(lab):
    installed = sorted(p.name for p in lab.bin.iterdir())
    assert "shell" in installed
    man = lab.root / "usr/local/share/man/man1"
    for name in installed:
        program = lab.bin / name
        assert program.stat().st_mode & 0o777 == 0o755
        assert program.read_bytes() == (BIN / name).read_bytes()
        # Its man page, made by help2man from its --help.
        page = (man / f"{name}.1").read_text()
        assert f'.TH {name.upper()} "1"' in page
        assert "\n.SH NAME\n" in page
    lessons = sorted(p.name for p in (REPO / "lessons").glob("*.md"))
    for user in LAB_USERS:
        assert sorted(p.name for p in
                      (lab.home(user) / "lessons").iterdir()) == lessons


def test_accounts_only_under_root_with_the_password(lab):
    assert lab.accounts_output.splitlines() == [
        f"playground: account root, home {lab.root}/root",
        f"playground: account brandon, home {lab.root}/home/brandon",
        f"playground: users file {lab.etc}/users"]
    lines = (lab.etc / "users").read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == list(LAB_USERS)
    check = ('exit(crypt($ENV{PW}, $ENV{HASH}) eq $ENV{HASH} ? 0 : 1)')
    for line in lines:
        hash = line.split(":", 1)[1]
        assert hash.startswith("$6$")
        for password, status in ((lab.password, 0), ("abc123", 1)):
            result = subprocess.run(["perl", "-e", check],
                                    env={"PW": password, "HASH": hash})
            assert result.returncode == status
    for user in LAB_USERS:
        assert (lab.home(user) / ".ssh").stat().st_mode & 0o777 == 0o700


def test_client_key_is_shared_and_authorized(lab):
    keys = lab.root / "lab-keys/client"
    public = (keys / "id_ed25519.pub").read_text()
    assert public.startswith("ssh-ed25519 ")
    for user in LAB_USERS:
        ssh = lab.home(user) / ".ssh"
        assert (ssh / "id_ed25519").read_bytes() == \
            (keys / "id_ed25519").read_bytes()
        assert (ssh / "id_ed25519").stat().st_mode & 0o777 == 0o600
        assert (ssh / "authorized_keys").read_text() == public
    assert (lab.root / "run/shellwire/authorized_keys").read_text() == \
        public


def test_known_hosts_name_every_ssh_server(lab):
    lines = (lab.home("brandon") / ".ssh/known_hosts").read_text()
    names = [line.split()[0] for line in lines.splitlines()]
    expected = [f"[127.0.0.1]:{lab.ports['sshd']}"] * 2
    if lab.running("ssh_server"):
        expected += [f"[127.0.0.1]:{lab.ports['ssh_server']}"]
    assert sorted(names) == sorted(expected)


def test_openssh_lets_the_lab_key_in(lab):
    for user in LAB_USERS:
        result = run(lab.ssh_args(user, lab.ports["sshd"], "echo", "Success"),
                     env=_script_env(), text=True)
        assert (result.returncode, result.stdout) == (0, "Success\n"), \
            result.stderr


def test_ssh_commands_from_h1_home(lab):
    if not (lab.bin / "ssh_commands").exists():
        pytest.skip("ssh_commands is not built yet (issue 5)")
    home = lab.home("brandon")
    result = run([str(lab.bin / "ssh_commands"), "-p",
                  str(lab.ports["sshd"]), "127.0.0.1", _current_user(),
                  "echo Hello, world!"],
                 env=_script_env(HOME=str(home)), text=True)
    assert (result.returncode, result.stdout) == \
        (0, '"Hello, world!\\n"\n'), result.stderr


def test_telnetd_logs_in_brandon(lab):
    child = _telnet_login(lab.ports["telnetd"], "brandon", lab.password,
                          r"\$ ")
    child.sendline("echo Succ''ess; pwd")
    child.expect(r"\$ ")
    assert child.before.splitlines()[1:] == [
        "Success", str(lab.home("brandon"))]
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()


def test_telnetd_refuses_a_wrong_password(lab):
    child = _telnet_login(lab.ports["telnetd"], "brandon", "abc123",
                          "Login incorrect")
    child.expect("login: ")
    child.close()


def test_telnet_server_logs_in_brandon(lab):
    if not lab.running("telnet_server"):
        pytest.skip("telnet_server is not built yet (issue 4)")
    child = _telnet_login(lab.ports["telnet_server"], "brandon",
                          lab.password, r"\$ ")
    # Quotes the console removes, so the echo of the typed line
    # cannot pass for the command's output.
    child.sendline("echo Suc''cess")
    child.expect("\r\nSuccess\r\n")
    child.close()


def test_ssh_server_lets_the_lab_key_in(lab):
    if not lab.running("ssh_server"):
        pytest.skip("ssh_server is not built yet (issue 6)")
    args = lab.ssh_args("brandon", lab.ports["ssh_server"],
                        "echo Suc''cess", login="brandon")
    result = run(args, env=_script_env(), text=True)
    assert result.returncode == 0, result.stderr
    assert "Success" in result.stdout


def test_scripts_are_shellcheck_clean():
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    scripts = sorted(str(p) for p in PLAYGROUND.rglob("*.sh"))
    scripts.append(str(PLAYGROUND / "lab"))
    result = run(["shellcheck", "-x", *scripts], env=_script_env(),
                 text=True, cwd=PLAYGROUND)
    assert result.returncode == 0, result.stdout


def _private_namespaces_work():
    """True if unshare can make the namespaces playground_chroot.sh needs."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--net", "--pid", "--uts", "--fork",
         "--mount-proc", "true"], capture_output=True)
    return probe.returncode == 0


def test_image_steps_as_root_in_a_private_root(tmp_path):
    """The Dockerfile's steps with ROOT "/": real accounts, real login."""
    if not _private_namespaces_work():
        pytest.skip("needs root and unshare(1) for private namespaces")
    variables = _make_variables()
    if Path(variables[-1].split("=", 1)[1]).is_absolute():
        pytest.skip("the build is outside the repository, which is all "
                    "the private root sees")
    system_before = _system_lab_state()
    result = subprocess.run(
        ["unshare", "--mount", "--net", "--pid", "--uts", "--fork",
         "--mount-proc", str(REPO / "tests/integration/playground_chroot.sh"),
         str(REPO), str(tmp_path), *variables],
        capture_output=True, text=True, timeout=120, env=_script_env())
    if result.returncode == 77:
        pytest.skip(result.stderr.strip())
    assert _system_lab_state() == system_before
    assert result.returncode == 0, result.stdout + result.stderr
    built = {name: (BIN / name).exists() for name in (
        "telnet_login", "ssh_server", "ssh_commands", "telnet_server")}
    expected = [
        "check home: /home/brandon",
        "check lessons: /home/brandon/lessons/01-shell.md",
        "check root to brandon@www: Success",
        "check brandon to root@ftp: Success",
        *(["check telnet_login: brandon"] * built["telnet_login"]),
        *(["check ssh_server: Success"] * built["ssh_server"]),
        *(['check ssh_commands: "Hello, world!\\n"'] *
          built["ssh_commands"]),
        "check password to www: Success",
        "check telnetd login: brandon",
        "check telnetd on 2323: brandon",
        *(["check telnet_server login: Success"] * built["telnet_server"])]
    assert result.stdout.splitlines() == expected, result.stderr


def test_play_lists_the_hosts_and_refuses_others():
    play = str(PLAYGROUND / "play.sh")
    listing = run([play], env=_script_env(), text=True)
    assert listing.returncode == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()[2:5]] \
        == ["h1", "ftp.example.com", "www.example.com"]
    unknown = run([play, "h9"], env=_script_env(), text=True)
    assert (unknown.returncode, unknown.stdout, unknown.stderr) == (
        2, "", "play.sh: no such host: h9 (run play.sh for the list)\n")


def test_start_stops_what_it_started_when_a_service_fails(lab, tmp_path):
    """sshd cannot use port 65536: start.sh stops the telnetd it started."""
    env = lab.env()
    env.update(LAB_RUN=str(tmp_path), TELNETD_PORT=str(free_port()),
               SSHD_PORT="65536")
    result = subprocess.run(
        [str(lab.share / "playground/start.sh"), "--root", str(lab.root),
         "telnetd", "sshd"], capture_output=True, text=True, timeout=60,
        env=env)
    telnetd = int((tmp_path / "pids/telnetd").read_text())
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"playground: telnetd started, pid {telnetd}", "playground: stopped"]
    assert result.stderr == (f"playground: sshd is not listening on port "
                             f"65536: see {tmp_path}/sshd.log\n")
    assert not _alive(telnetd)
    assert not (tmp_path / "ready").exists()


def test_telnet_login_from_h1_to_telnetd(lab):
    """The book's first Telnet example, against the lab's telnetd."""
    if not (lab.bin / "telnet_login").exists():
        pytest.skip("telnet_login is not built yet (issue 3)")
    result = run([str(lab.bin / "telnet_login"), "--password-stdin",
                  "-p", str(lab.ports["telnetd"]), "-c", "exec pwd",
                  "127.0.0.1", "brandon"], input=lab.password + "\n",
                 env=_script_env(), text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].strip() == str(lab.home("brandon"))


def test_lab_and_play_say_when_there_is_no_compose(tmp_path):
    """A docker without the compose plugin, and no docker-compose: no
    `docker compose down -v` read as `docker --version` with status 0."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed")
    if run([docker, "compose", "version"]).returncode == 0:
        pytest.skip("this docker has the compose plugin")
    # The real docker, as Debian 12 ships it (no plugin), on a PATH with
    # no docker-compose.
    for tool in ("dirname", "grep", "sed", "date"):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    (tmp_path / "docker").symlink_to(docker)
    env = _script_env(PATH=str(tmp_path))
    down = run([str(PLAYGROUND / "lab"), "down", "-v"], env=env, text=True)
    assert (down.returncode, down.stdout, down.stderr) == (
        1, "", "lab: no compose: install docker-compose (v1) or the "
        "compose plugin (v2)\n")
    play = run([str(PLAYGROUND / "play.sh"), "h1", "true"], env=env,
               text=True)
    assert (play.returncode, play.stdout, play.stderr) == (
        1, "", "play.sh: needs docker compose (v2) or docker-compose (v1)\n")
    usage = run([str(PLAYGROUND / "lab"), "down", "--volumes"], env=env,
                text=True)
    assert (usage.returncode, usage.stderr) == (
        2, "usage: lab [up | down [-v] | demo [LESSON...] | status]\n")
