"""revint.toml: which file is read, the embedded default, paths anchored on the file's folder, errors that name
the file and the line, and the sources a run follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from revint.pipeline.config import DEFAULT_CONFIG, Config, ConfigError, Source, config_path, load_config


@pytest.fixture(autouse=True)
def no_config_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty folder with no $REVINT_CONFIG, so only what a test writes is read."""
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.delenv("REVINT_CONFIG", raising=False)
    return here


def write(folder: Path, text: str, name: str = "revint.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = write(tmp_path / "conf", text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    return path, str(raised.value)


# --- which file -------------------------------------------------------------------------------------------------


def test_without_any_file_the_embedded_default_follows_the_bundled_sample_site() -> None:
    assert config_path(None) is None
    config = load_config()
    assert config is DEFAULT_CONFIG
    [source] = config.sources
    assert (source.spider, source.bundled, source.delay, source.hosts) == ("sample", True, 0.0, ["127.0.0.1"])
    assert config.warehouse is None and config.path is None


def test_revint_config_names_the_file_when_no_option_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "elsewhere", 'lang = "en"\n')
    monkeypatch.setenv("REVINT_CONFIG", str(path))
    assert config_path(None) == path
    assert load_config().lang == "en"


def test_the_option_wins_over_revint_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given = write(tmp_path / "given", 'lang = "en"\n')
    monkeypatch.setenv("REVINT_CONFIG", str(write(tmp_path / "env", 'lang = "fr"\n')))
    assert load_config(given).lang == "en"


def test_a_revint_toml_in_the_working_folder_is_read(no_config_around: Path) -> None:
    local = write(no_config_around, 'lang = "en"\n')
    assert config_path(None) == local
    assert load_config().lang == "en"


def test_relative_paths_are_read_from_the_config_files_folder_not_the_working_folder(tmp_path: Path) -> None:
    text = (
        'warehouse = "data/w.duckdb"\nsite_dir = "site"\ndigest_dir = "/srv/digests"\n\n'
        '[[imports]]\nsource = "glassdoor"\nfolder = "exports/glassdoor"\n'
    )
    folder = (tmp_path / "conf").resolve()
    config = load_config(write(folder, text))
    assert config.warehouse == folder / "data" / "w.duckdb"
    assert config.site_dir == folder / "site"
    assert config.digest_dir == Path("/srv/digests")
    assert config.imports[0].folder == folder / "exports" / "glassdoor"


# --- errors name the file and the line --------------------------------------------------------------------------


def test_an_unknown_spider_is_reported_at_its_line(tmp_path: Path) -> None:
    text = '[[sources]]\nspider = "sample"\n\n[[sources]]\nspider = "nosuch"\nstart_urls = ["https://x.example/"]\n'
    path, message = config_error(tmp_path, text)
    assert message.startswith(f"{path}:5: sources.1.spider:")
    assert "unknown source 'nosuch'" in message and "kununu" in message


def test_an_address_that_is_not_http_is_reported_at_its_line(tmp_path: Path) -> None:
    text = '[[sources]]\nspider = "kununu"\nstart_urls = ["ftp://x.example/a", "https://ok.example/"]\n'
    path, message = config_error(tmp_path, text)
    assert message.startswith(f"{path}:3: sources.0.start_urls:")
    assert "ftp://x.example/a" in message and "https://ok.example/" not in message


def test_a_negative_delay_is_reported_at_its_line(tmp_path: Path) -> None:
    path, message = config_error(tmp_path, 'lang = "fr"\n\n[[sources]]\nspider = "sample"\ndelay = -1\n')
    assert message.startswith(f"{path}:5: sources.0.delay:")
    assert "greater than or equal to 0" in message


def test_zero_workers_is_reported_at_its_line(tmp_path: Path) -> None:
    path, message = config_error(tmp_path, 'lang = "fr"\n\n[tagging]\nchunk_reviews = 10\nworkers = 0\n')
    assert message.startswith(f"{path}:5: tagging.workers:")


def test_an_unknown_key_in_a_source_is_reported_at_its_line(tmp_path: Path) -> None:
    path, message = config_error(tmp_path, '[[sources]]\nspider = "sample"\ncolour = "red"\n')
    assert message.startswith(f"{path}:3: sources.0.colour:")
    assert "Extra inputs are not permitted" in message


def test_a_misspelt_top_level_key_is_reported_at_its_line(tmp_path: Path) -> None:
    path, message = config_error(tmp_path, 'lang = "fr"\nwarehous = "w.duckdb"\n')
    assert message.startswith(f"{path}:2: warehous:")


def test_a_source_without_start_urls_is_reported_at_its_table(tmp_path: Path) -> None:
    text = '[[sources]]\nspider = "sample"\n\n[[sources]]\nspider = "kununu"\ncompany = "Acme"\n'
    path, message = config_error(tmp_path, text)
    assert message.startswith(f"{path}:4: sources.1:")
    assert "'kununu' needs start_urls" in message


def test_every_problem_of_a_file_is_reported_on_a_line_of_its_own(tmp_path: Path) -> None:
    text = '[[sources]]\nspider = "sample"\ndelay = -1\n\n[tagging]\nworkers = 0\n'
    path, message = config_error(tmp_path, text)
    assert sorted(message.splitlines()) == [
        f"{path}:3: sources.0.delay: Input should be greater than or equal to 0",
        f"{path}:6: tagging.workers: Input should be greater than or equal to 1",
    ]


def test_repeated_source_names_are_reported_with_the_name_and_the_file(tmp_path: Path) -> None:
    text = 'lang = "fr"\n\n[[sources]]\nspider = "sample"\n\n[[sources]]\nspider = "sample"\n'
    path, message = config_error(tmp_path, text)
    assert message.startswith(f"{path}:")
    assert "another source is named 'sample'" in message and "`name`" in message


def test_repeated_source_names_are_reported_at_the_repeating_source(tmp_path: Path) -> None:
    text = 'lang = "fr"\n\n[[sources]]\nspider = "sample"\n\n[[sources]]\nspider = "sample"\n'
    path, message = config_error(tmp_path, text)
    assert message.startswith(f"{path}:6:")


def test_a_toml_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path, message = config_error(tmp_path, 'lang = "fr"\n[[sources]\nspider = "sample"\n')
    assert message.startswith(f"{path}: not TOML:")
    assert "line 2" in message


def test_a_missing_config_file_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    with pytest.raises(ConfigError, match=r"absent\.toml"):
        load_config(missing)


# --- the sources a run follows -----------------------------------------------------------------------------------


def followed(tmp_path: Path) -> Config:
    text = (
        '[[sources]]\nname = "acme-kununu"\nspider = "kununu"\ncompany = "Acme"\n'
        'start_urls = ["https://kununu.example/acme"]\n\n'
        '[[sources]]\nname = "acme-old"\nspider = "indeed"\ncompany = "ACME"\n'
        'start_urls = ["https://indeed.example/acme"]\nenabled = false\n\n'
        '[[sources]]\nname = "globex"\nspider = "glassdoor"\ncompany = "Globex"\n'
        'start_urls = ["https://glassdoor.example/globex"]\n\n'
        '[[sources]]\nspider = "sample"\n'
    )
    return load_config(write(tmp_path / "conf", text))


def names(sources: list[Source]) -> list[str]:
    return [source.name for source in sources]


def test_active_sources_are_the_enabled_ones_in_file_order(tmp_path: Path) -> None:
    assert names(followed(tmp_path).active_sources()) == ["acme-kununu", "globex", "sample"]


@pytest.mark.parametrize(
    ("companies", "expected"),
    [(["acme"], ["acme-kununu"]), (["GLOBEX", "Acme"], ["acme-kununu", "globex"]), (["Initech"], [])],
)
def test_active_sources_of_companies_match_names_case_insensitively_and_skip_disabled_sources(
    tmp_path: Path, companies: list[str], expected: list[str]
) -> None:
    assert names(followed(tmp_path).active_sources(companies)) == expected


def test_a_source_is_named_after_its_spider_and_its_hosts_come_from_its_urls() -> None:
    source = Source(spider="kununu", start_urls=["https://b.example/x", "https://a.example/y", "https://b.example/z"])
    assert (source.name, source.bundled, source.hosts) == ("kununu", False, ["a.example", "b.example"])
