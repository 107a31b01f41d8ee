"""The scaled set-up: PostgreSQL tracker store, Redis lock store, N Rasa servers, the
action server and nginx in front, all on loopback and all inside one data folder.

This is Rasa's own answer to "one process is not enough": Rasa servers are stateless
when every one of them reads and writes conversations in one SQL tracker store and
takes a per-conversation ticket lock in one Redis lock store (endpoints.scaled.yml).
nginx spreads REST turns round-robin and keeps each socket.io client on one server.
The nginx, Redis and PostgreSQL settings are the templates in deploy/. Processes are started and
stopped by processes.py. Used by `make run-scaled`, tests/e2e/test_scale_out.py and
`make bench-scaled`.

Usage: python -m spine_assistant.serving.scaled   (Ctrl-C or SIGTERM stops everything)
"""

from __future__ import annotations

import os
import pwd
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
import redis

from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT
from spine_assistant.serving.processes import (
    ProcessGroup,
    Stopped,
    action_server_command,
    free_port,
    rasa_server_command,
    stop_on_signals,
    wait_for_first_exit,
    wait_until_ready,
)

DEBIAN_PACKAGES = ["postgresql", "redis-server", "nginx"]
INSTALL_SCRIPT = PROJECT_ROOT / "scripts" / "install_debian_packages.sh"
ENDPOINTS = PROJECT_ROOT / "endpoints.scaled.yml"
DEFAULT_DATA_FOLDER = PROJECT_ROOT / ".scaled"
DEPLOY = PROJECT_ROOT / "deploy"
POSTGRES_USER = "rasa"
POSTGRES_DB = "rasa"
REDIS_DB = 1
# PostgreSQL refuses to run as root; Debian's package creates this OS user.
POSTGRES_OS_USER = "postgres"
SERVICE_TIMEOUT_S = 60


@dataclass(frozen=True)
class Passwords:
    postgres: str
    redis: str


@dataclass
class ScaledStack:
    """The running stack: where to connect, and handles the tests need."""

    url: str
    rasa_urls: list[str]
    data_folder: Path
    passwords: Passwords
    postgres_port: int
    redis_port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def kill_rasa_server(self, index: int) -> None:
        """SIGKILL one Rasa server, as a crash or an OOM kill would stop it."""
        process = self.processes[f"rasa-{index}"]
        process.kill()
        process.wait()

    def postgres_connection(self) -> psycopg2.extensions.connection:
        return psycopg2.connect(
            host="127.0.0.1",
            port=self.postgres_port,
            dbname=POSTGRES_DB,
            user=POSTGRES_USER,
            password=self.passwords.postgres,
        )

    def redis_client(self) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1", port=self.redis_port, db=REDIS_DB, password=self.passwords.redis
        )


def install_debian_packages() -> None:
    subprocess.run([str(INSTALL_SCRIPT), *DEBIAN_PACKAGES], check=True)


def load_or_create_passwords(data_folder: Path) -> Passwords:
    """Passwords from SCALED_POSTGRES_PASSWORD / SCALED_REDIS_PASSWORD, else generated
    once into DATA_FOLDER/passwords.env (mode 600) and reused on the next start, since
    the PostgreSQL cluster keeps the password it was created with."""
    stored_file = data_folder / "passwords.env"
    stored: dict[str, str] = {}
    if stored_file.exists():
        for line in stored_file.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            stored[name] = value
    else:
        stored = {
            "SCALED_POSTGRES_PASSWORD": secrets.token_urlsafe(24),
            "SCALED_REDIS_PASSWORD": secrets.token_urlsafe(24),
        }
        stored_file.touch(mode=0o600)
        stored_file.write_text(
            "".join(f"{name}={value}\n" for name, value in stored.items()), encoding="utf-8"
        )
    return Passwords(
        postgres=os.environ.get("SCALED_POSTGRES_PASSWORD", stored["SCALED_POSTGRES_PASSWORD"]),
        redis=os.environ.get("SCALED_REDIS_PASSWORD", stored["SCALED_REDIS_PASSWORD"]),
    )


def postgres_bin_dir() -> Path:
    """Debian keeps the server binaries out of PATH, one folder per major version."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3])
    )
    if not versions:
        raise RuntimeError(f"PostgreSQL server not installed: run {INSTALL_SCRIPT} postgresql")
    return versions[-1].parent


def _owned_by_postgres_user(folder: Path) -> dict[str, Any]:
    """Create FOLDER for the PostgreSQL processes and return how to run them (Popen
    arguments): as root, as the postgres OS user, who then owns FOLDER."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam(POSTGRES_OS_USER)
    for path in (folder, *folder.rglob("*")):
        os.chown(path, account.pw_uid, account.pw_gid)
    check = subprocess.run(["runuser", "-u", POSTGRES_OS_USER, "--", "test", "-w", str(folder)])
    if check.returncode != 0:
        raise RuntimeError(
            f"the '{POSTGRES_OS_USER}' OS user cannot reach {folder} (a parent folder is "
            "private, e.g. /root): set SCALED_DATA_FOLDER to a folder under /var/tmp or /srv"
        )
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def render(template: str, **values: object) -> str:
    """deploy/TEMPLATE with its {{placeholders}} filled in."""
    text = (DEPLOY / template).read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", str(value))
    if "{{" in text:
        raise ValueError(f"{template}: placeholder left unfilled")
    return text


def _start_postgres(group: ProcessGroup, data_folder: Path, port: int, password: str) -> None:
    """One PostgreSQL cluster in DATA_FOLDER/postgres, on 127.0.0.1:PORT only, with its
    unix socket inside the data folder; password (scram) authentication for everyone."""
    cluster, socket_dir = data_folder / "postgres", data_folder / "postgres-socket"
    run_as = _owned_by_postgres_user(cluster)
    _owned_by_postgres_user(socket_dir)
    bin_dir = postgres_bin_dir()
    if not (cluster / "PG_VERSION").exists():
        password_file = cluster.parent / "postgres-initial-password"
        password_file.touch(mode=0o600)
        password_file.write_text(password, encoding="utf-8")
        if run_as:
            os.chown(password_file, run_as["user"], run_as["group"])
        try:
            subprocess.run(
                [
                    str(bin_dir / "initdb"),
                    "--pgdata",
                    str(cluster),
                    "--username",
                    POSTGRES_USER,
                    "--pwfile",
                    str(password_file),
                    "--auth",
                    "scram-sha-256",
                    "--encoding",
                    "UTF8",
                    "--locale",
                    "C",
                ],
                check=True,
                capture_output=True,
                cwd=cluster,
                **run_as,
            )
        finally:
            password_file.unlink()
    process = group.start(
        "postgres",
        [
            str(bin_dir / "postgres"),
            "-D",
            str(cluster),
            *postgres_options(port, socket_dir),
        ],
        stop_signal=signal.SIGINT,  # "fast" shutdown: rolls back open transactions
        **run_as,
    )

    def create_database() -> None:
        connection = psycopg2.connect(
            host="127.0.0.1",
            port=port,
            dbname="postgres",
            user=POSTGRES_USER,
            password=password,
        )
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (POSTGRES_DB,))
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {POSTGRES_DB}")
        connection.close()

    wait_until_ready(
        "PostgreSQL",
        create_database,
        process,
        group.logs_by_name["postgres"],
        SERVICE_TIMEOUT_S,
        not_yet=(psycopg2.OperationalError,),
    )


def postgres_options(port: int, socket_dir: Path) -> list[str]:
    """deploy/postgresql.conf.template as `postgres -c name=value` options."""
    text = render("postgresql.conf.template", port=port, socket_dir=socket_dir)
    options = []
    for line in text.splitlines():
        setting = line.split("#", 1)[0].strip()
        if setting:
            name, _, value = setting.partition("=")
            options += ["-c", f"{name.strip()}={value.strip()}"]
    return options


def _start_redis(group: ProcessGroup, data_folder: Path, port: int, password: str) -> None:
    """Redis for the ticket locks only (deploy/redis.conf.template)."""
    folder = data_folder / "redis"
    folder.mkdir(mode=0o700, exist_ok=True)
    config = folder / "redis.conf"
    config.touch(mode=0o600)
    config.write_text(
        render("redis.conf.template", port=port, password=password, folder=folder),
        encoding="utf-8",
    )
    process = group.start("redis", ["redis-server", str(config)])
    client = redis.Redis(host="127.0.0.1", port=port, password=password)
    wait_until_ready(
        "Redis",
        client.ping,
        process,
        group.logs_by_name["redis"],
        SERVICE_TIMEOUT_S,
        not_yet=(redis.exceptions.ConnectionError,),
    )


def nginx_config(prefix: Path, port: int, rasa_ports: list[int]) -> str:
    """deploy/nginx.conf.template for these Rasa servers."""
    servers = "\n".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in rasa_ports
    )
    return render("nginx.conf.template", prefix=prefix, port=port, rasa_servers=servers)


def _start_nginx(group: ProcessGroup, data_folder: Path, port: int, rasa_ports: list[int]) -> None:
    prefix = data_folder / "nginx"
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(prefix, port, rasa_ports), encoding="utf-8")
    group.start("nginx", ["nginx", "-p", str(prefix), "-c", str(config)])
    group.wait_for_http("nginx", f"http://127.0.0.1:{port}/")


def rasa_environment(
    stack_ports: Mapping[str, int], passwords: Passwords, extra_env: Mapping[str, str]
) -> dict[str, str]:
    """The variables endpoints.scaled.yml reads, on top of the caller's environment."""
    return {
        **os.environ,
        "PYTHONWARNINGS": os.environ.get("PYTHONWARNINGS", "ignore::DeprecationWarning"),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{stack_ports['actions']}/webhook",
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": str(stack_ports["postgres"]),
        "POSTGRES_DB": POSTGRES_DB,
        "POSTGRES_USER": POSTGRES_USER,
        "POSTGRES_PASSWORD": passwords.postgres,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(stack_ports["redis"]),
        "REDIS_PASSWORD": passwords.redis,
        "REDIS_DB": str(REDIS_DB),
        **extra_env,
    }


def _port(variable: str, from_environment: bool) -> int:
    if from_environment and os.environ.get(variable):
        return int(os.environ[variable])
    return free_port()


@contextmanager
def running_scaled_stack(
    model: Path = MODEL,
    data_folder: Path = DEFAULT_DATA_FOLDER,
    rasa_servers: int = 2,
    extra_env: Mapping[str, str] | None = None,
    ports_from_environment: bool = False,
) -> Iterator[ScaledStack]:
    """Start everything (Debian packages installed first when missing), yield the stack,
    stop everything in reverse order, even when the body fails. Ports are free loopback
    ports, or with PORTS_FROM_ENVIRONMENT those of SCALED_NGINX_PORT, SCALED_POSTGRES_PORT,
    SCALED_REDIS_PORT and SCALED_ACTIONS_PORT where set."""
    install_debian_packages()
    model = model.resolve()  # Rasa silently loads another model from a relative path
    data_folder = data_folder.resolve()
    data_folder.mkdir(parents=True, exist_ok=True)
    data_folder.chmod(0o711)  # the postgres OS user must traverse it, nobody list it
    (data_folder / "logs").mkdir(exist_ok=True)
    passwords = load_or_create_passwords(data_folder)
    ports = {
        name: _port(f"SCALED_{name.upper()}_PORT", ports_from_environment)
        for name in ("postgres", "redis", "actions", "nginx")
    }
    rasa_ports = [free_port() for _ in range(rasa_servers)]
    env = rasa_environment(ports, passwords, extra_env or {})
    env.setdefault("CORS_ORIGINS", "http://localhost:8000")
    with ProcessGroup(logs=data_folder / "logs", env=env) as group:
        stack = ScaledStack(
            url=f"http://127.0.0.1:{ports['nginx']}",
            rasa_urls=[f"http://127.0.0.1:{p}" for p in rasa_ports],
            data_folder=data_folder,
            passwords=passwords,
            postgres_port=ports["postgres"],
            redis_port=ports["redis"],
            processes=group.processes,
        )
        _start_postgres(group, data_folder, ports["postgres"], passwords.postgres)
        _start_redis(group, data_folder, ports["redis"], passwords.redis)
        # The project's launchers, as `make serve` runs them: action server on loopback
        # only, CORS from CORS_ORIGINS (never "*").
        group.start("actions", action_server_command(ports["actions"]))
        for index, port in enumerate(rasa_ports):
            group.start(f"rasa-{index}", rasa_server_command(model, ENDPOINTS, port, "127.0.0.1"))
        group.wait_for_http("actions", f"http://127.0.0.1:{ports['actions']}/health")
        for index, url in enumerate(stack.rasa_urls):
            group.wait_for_http(f"rasa-{index}", f"{url}/")
        _start_nginx(group, data_folder, ports["nginx"], rasa_ports)
        yield stack


def main() -> None:
    data_folder = Path(os.environ.get("SCALED_DATA_FOLDER", DEFAULT_DATA_FOLDER))
    servers = int(os.environ.get("RASA_SERVERS", "2"))
    model = Path(os.environ.get("MODEL", MODEL))
    stop_on_signals()
    try:
        with running_scaled_stack(
            model, data_folder, servers, ports_from_environment=True
        ) as stack:
            print(
                f"Ready: {servers} Rasa servers behind nginx on {stack.url}\n"
                f"  REST:      {stack.webhook}\n"
                f"  socket.io: {stack.url}/socket.io\n"
                f"  logs and data: {data_folder} (passwords in {data_folder}/passwords.env)\n"
                "Ctrl-C stops everything.",
                flush=True,
            )
            stopped = wait_for_first_exit(stack.processes, interval_s=1)
            print(f"stopped unexpectedly: {', '.join(stopped)}; see {data_folder}/logs")
            sys.exit(1)
    except Stopped:
        print("stopped")


if __name__ == "__main__":
    main()
