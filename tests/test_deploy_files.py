"""The systemd units of deploy/: they start what `make serve` starts, on the
port Caddy proxies to, hardened; the backup unit's command really works."""

import os
import re
import shlex
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")
INSTALLED = "/opt/diagnostic-territorial"  # where deploy/README.md clones
UNITS = (
    "diagnostic-territorial.service",
    "diagnostic-territorial-backup.service",
    "diagnostic-territorial-backup.timer",
)


class Unit(dict):
    """{section: {key: value}}; a key given twice (Environment=) keeps each
    value, joined by a space, as systemd adds them up."""


def unit(name: str) -> Unit:
    sections = Unit()
    with open(os.path.join(DEPLOY, name), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = sections.setdefault(line.strip("[]"), {})
                continue
            key, _, value = line.partition("=")
            section[key] = f"{section[key]} {value}" if key in section else value
    return sections


def environment(service: Unit) -> dict[str, str]:
    pairs = shlex.split(service["Service"]["Environment"])
    return dict(pair.split("=", 1) for pair in pairs)


def test_the_server_unit_starts_what_make_serve_starts_behind_caddy():
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
        serve = re.search(r"^serve:\n\t(.+)$", f.read(), re.M)[1]
    service = unit("diagnostic-territorial.service")["Service"]
    expected = serve.replace("$(VENV)", f"{INSTALLED}/.venv")
    assert service["ExecStart"] == expected
    assert service["WorkingDirectory"] == INSTALLED
    # Only on this machine, on the port the shipped Caddyfile proxies to.
    env = environment(unit("diagnostic-territorial.service"))
    assert env["HOST"] == "127.0.0.1"
    with open(os.path.join(DEPLOY, "Caddyfile"), encoding="utf-8") as f:
        upstreams = set(re.findall(r"reverse_proxy (\S+)", f.read()))
    assert upstreams == {f"127.0.0.1:{env['PORT']}"}


@pytest.mark.parametrize("name", UNITS[:2])
def test_services_run_as_their_own_user_hardened(name):
    service = unit(name)["Service"]
    assert service["User"] == "diagnostic" and service["Group"] == "diagnostic"
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
        "UMask": "0077",
        "StateDirectory": "diagnostic-territorial",
    }.items():
        assert service[key] == value, key
    # Writable: the instance folder (database, config, keys), nothing of the code.
    assert f"{INSTALLED}/instance" in service["ReadWritePaths"].split()


def test_the_timer_runs_the_backup_daily_and_catches_up():
    timer = unit("diagnostic-territorial-backup.timer")["Timer"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:00", timer["OnCalendar"])
    assert timer["Persistent"] == "true"


def test_the_backup_units_command_writes_and_rotates(app, runner, tmp_path):
    command = shlex.split(unit("diagnostic-territorial-backup.service")["Service"][
        "ExecStart"
    ])  # fmt: skip
    assert command[:3] == [f"{INSTALLED}/.venv/bin/flask", "--app", "survey_app"]
    args = command[3:]
    folder = args[1]
    assert folder in unit("diagnostic-territorial-backup.service")["Service"][
        "ReadWritePaths"
    ]  # fmt: skip
    backups = tmp_path / "sauvegardes"
    backups.mkdir()
    args[1] = str(backups)
    old = backups / "sauvegarde-20000101-000000.db"
    old.write_text("x")
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert not old.exists() and len(os.listdir(backups)) == 1


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing: .ci/run installs systemd")
        pytest.skip("systemd-analyze absent : vérification des unités sautée")
    for name in UNITS:
        with open(os.path.join(DEPLOY, name), encoding="utf-8") as f:
            text = f.read().replace(INSTALLED, ROOT)  # paths that exist here
        (tmp_path / name).write_text(text)
    done = subprocess.run(
        [analyze, "verify", "--man=no", *[str(tmp_path / n) for n in UNITS]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    security = subprocess.run(
        [analyze, "security", "--offline=yes", str(tmp_path / UNITS[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    level = re.search(r"Overall exposure level for \S+: ([\d.]+)", security.stdout)
    assert level and float(level[1]) <= 2.0, security.stdout[-2000:]


def test_every_event_stream_route_is_proxied_unbuffered(app):
    with open(os.path.join(DEPLOY, "Caddyfile"), encoding="utf-8") as f:
        matcher = re.search(r"@flux path (.+)", f.read())[1].split()
    streams = {
        re.sub(r"<[^>]+>", "*", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.endswith(".stream")
    }
    assert streams and streams == set(matcher)
