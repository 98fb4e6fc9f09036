from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks only: installed by ``bench.settings``, never by the product's settings."""

    name = "bench"
    label = "bench"
    verbose_name = "Benchmarks"
