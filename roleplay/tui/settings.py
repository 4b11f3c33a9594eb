"""What the UI remembers between runs (the trainee's name, last mode), in the user's config dir."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from roleplay import environment


def config_dir() -> Path:
    configured = environment.read().config_dir
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "roleplay"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "roleplay"
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "roleplay"


@dataclass
class Settings:
    trainee: str = ""
    mode: str = "practice"
    time_limit_min: int = 0

    @classmethod
    def load(cls, path: Path | None = None) -> tuple[Settings, str | None]:
        """Saved settings, or defaults where the file or a value is unusable (never fatal), and a
        warning saying what was ignored (None: nothing, or there is no file yet)."""
        path = path or config_dir() / "settings.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(), None
        except OSError as exc:
            return cls(), f"设置文件 {path} 无法读取（{exc.strerror or exc}），已改用默认设置"
        except ValueError:
            return cls(), f"设置文件 {path} 已损坏（不是有效的 JSON），已改用默认设置"
        if not isinstance(data, dict):
            return cls(), f"设置文件 {path} 已损坏（不是设置项），已改用默认设置"  # [1, 2] or null
        defaults = cls()
        # a value of the wrong type ({"trainee": 123}, {"time_limit_min": true}) keeps its default
        known = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        kept = {key: value for key, value in known.items() if type(value) is type(getattr(defaults, key))}
        wrong = [key for key in known if key not in kept]
        warning = f"设置文件 {path} 中 {'、'.join(wrong)} 的值无效，已改用默认值" if wrong else None
        return cls(**kept), warning

    def save(self, path: Path | None = None) -> bool:
        """Write the settings; False (and nothing else) if the directory is not writable."""
        path = path or config_dir() / "settings.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError:
            return False
        return True
