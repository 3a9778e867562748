"""Settings for every process (web, pods, workers), read from the environment.

Nothing here connects to anything: the settings are plain values, and the
factories in `core` turn them into connections when a process asks for one.
"""
from config.settings import BaseConfig, DevelopmentConfig, ProductionConfig, TestConfig, load_config

__all__ = ["BaseConfig", "DevelopmentConfig", "ProductionConfig", "TestConfig", "load_config"]
