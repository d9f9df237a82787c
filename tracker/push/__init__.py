"""Sending the weekly report to the groups (`tracker push`): `config` reads push.toml, `week` finds the
week's files, one module per kind of channel (`wecom`, `dingtalk`, `feishu`, `mail`) builds and sends
its parts through `delivery` (retries with backoff, `rate` limits per robot), `log` records what was
delivered, `masking` keeps keys and secrets out of what is printed, and `run` does one push."""
