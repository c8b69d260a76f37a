"""Assistant for Vietnamese local-government planning documents.

Importing the package switches every library it uses to offline mode: the product must never
reach a model hub or a telemetry endpoint, whoever calls it (CLI, web app, tests, notebooks).
"""
import os as _os

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "DO_NOT_TRACK": "1",
}.items():
    _os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
