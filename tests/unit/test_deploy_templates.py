"""The scaled set-up's nginx, Redis and PostgreSQL settings (deploy/*.template) fill in
completely."""

from __future__ import annotations

from pathlib import Path

from spine_assistant.serving.scaled import nginx_config, postgres_options, render


def test_nginx_gets_every_rasa_server_in_both_upstreams(tmp_path: Path) -> None:
    config = nginx_config(tmp_path, 8080, [5101, 5102])

    assert "{{" not in config
    assert "listen 127.0.0.1:8080;" in config
    for port in (5101, 5102):
        assert config.count(f"server 127.0.0.1:{port} ") == 2  # round-robin and sticky
    assert f"pid {tmp_path}/nginx.pid;" in config


def test_redis_listens_on_loopback_with_its_password(tmp_path: Path) -> None:
    redis_pw = "not-a-real-one"
    config = render("redis.conf.template", port=6400, password=redis_pw, folder=tmp_path)

    assert "{{" not in config
    assert "bind 127.0.0.1\n" in config and "port 6400\n" in config
    assert f"requirepass {redis_pw}\n" in config and f"dir {tmp_path}\n" in config


def test_postgres_gets_each_setting_as_an_option(tmp_path: Path) -> None:
    assert postgres_options(6500, tmp_path) == [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "port=6500",
        "-c",
        f"unix_socket_directories={tmp_path}",
    ]
