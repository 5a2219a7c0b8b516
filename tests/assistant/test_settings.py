from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings


def test_defaults_use_the_bundled_model() -> None:
    settings = Settings.load(environ={})
    assert settings.model == "bundled:multilingual-e5-small"
    assert settings.query_prompt == "query: "


def test_toml_then_environment_then_overrides(tmp_path: Path) -> None:
    config = tmp_path / "policyrag.toml"
    config.write_text('[policyrag]\ntop_k = 7\nmodel = "BAAI/bge-m3"\nchunk_max_chars = 600\n', encoding="utf-8")
    settings = Settings.load(config, environ={"POLICYRAG_TOP_K": "12", "POLICYRAG_SHOW_PROGRESS": "false"})
    assert settings.model == "BAAI/bge-m3"
    assert settings.chunk_max_chars == 600
    assert settings.top_k == 12
    assert settings.show_progress is False
    assert Settings.load(config, environ={}, top_k=3).top_k == 3


def test_environment_names_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "custom.toml"
    config.write_text('index_dir = "~/idx"\n', encoding="utf-8")
    settings = Settings.load(environ={"POLICYRAG_CONFIG": str(config)})
    assert settings.index_dir == Path("~/idx").expanduser()


def test_bad_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="top_k"):
        Settings.load(environ={"POLICYRAG_TOP_K": "many"})
    with pytest.raises(ValueError, match="top_k must be positive"):
        Settings(top_k=0)
    config = tmp_path / "policyrag.toml"
    config.write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown policyrag setting"):
        Settings.load(config, environ={})


def test_missing_named_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Settings.load(tmp_path / "nope.toml", environ={})


def test_ocr_settings_from_environment_and_validated() -> None:
    from assistant.settings import Settings

    settings = Settings.load(environ={"POLICYRAG_OCR": "scanned", "POLICYRAG_OCR_DPI": "300", "POLICYRAG_MAX_FILE_BYTES": "1000"})
    assert (settings.ocr, settings.ocr_dpi, settings.max_file_bytes) == ("scanned", 300, 1000)
    assert Settings().ocr == "auto" and Settings().ocr_languages == "tha+eng"
    for bad in ({"ocr": "always"}, {"ocr_dpi": 10}, {"max_file_bytes": 0}):
        with pytest.raises(ValueError, match="invalid policyrag settings"):
            Settings(**bad)  # type: ignore[arg-type]


def test_a_settings_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    config = tmp_path / "policyrag.toml"
    config.write_text("[policyrag\ntop_k = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"settings file {config} is not valid TOML: Expected"):
        Settings.load(config_file=config, environ={})


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_weight_that_is_not_a_number_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="setting 'bm25_weight' expects float"):
        Settings.load(environ={"POLICYRAG_BM25_WEIGHT": value})
