"""`tracker push` against local stand-ins for WeChat Work, DingTalk and Feishu that check what those
services check (tests/push_receivers.py: signatures, sizes, md5, rate limits, their error codes), and a
real SMTP server (aiosmtpd) with STARTTLS or TLS and a login: what arrives is what a group would see.

The week's report is made once (county and 赵家沟乡) by the real `make_report`; every test pushes it
from a copy of the sample store, whose push log starts empty.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.push_receivers import (
    DingTalkRobot,
    FeishuBot,
    WeComRobot,
    certificate,
    closed_port,
    serving,
    smtp_server,
)
from tracker.push.log import LOG_FILE
from tracker.weekly.report import make_report

pytestmark = pytest.mark.browser  # the report pushed is drawn by Chromium

SMTP_USER, SMTP_PASSWORD = "report@hequ.example", "smtp-password-0001"
FAST = "[push]\nretries = 2\nbackoff_s = 0.05\ntimeout_s = 5\n"


@pytest.fixture(scope="module")
def week_report(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pushed-report")
    make_report(sample_store, out, townships=["赵家沟乡"])
    return out


@pytest.fixture
def reports(week_report: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "reports"
    shutil.copytree(week_report, copy)
    return copy


@pytest.fixture
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return certificate(tmp_path_factory.mktemp("tls"))


def _config(store: Path, text: str, mode: int = 0o600) -> Path:
    path = store / "push.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def _log(store: Path) -> list[dict]:
    path = store / LOG_FILE
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


def _everything_said(result, store: Path) -> str:
    logs = [
        (store / name).read_text(encoding="utf-8")
        for name in (LOG_FILE, "audit.log")
        if (store / name).exists()
    ]
    return "\n".join([result.out, result.err, *logs])


def test_every_part_arrives_once_and_a_second_run_sends_nothing_new(
    on_sample, reports: Path, tls: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = on_sample.data_dir
    cert, key = tls
    monkeypatch.setenv("DINGTALK_SECRET", DingTalkRobot.secret)
    monkeypatch.setenv("FEISHU_SECRET", FeishuBot.secret)
    monkeypatch.setenv("SMTP_USER", SMTP_USER)
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    with (
        serving(WeComRobot()) as wecom,
        serving(DingTalkRobot()) as dingtalk,
        serving(FeishuBot()) as feishu,
        smtp_server(cert, key, SMTP_USER, SMTP_PASSWORD) as (mailbox, port),
    ):
        _config(store, f"""
dashboard_url = "http://kanban.hequ.example"
public_url = "http://kanban.hequ.example/reports"
{FAST}
[[channel]]
name = "县领导群"
kind = "wecom"
scope = "全县"
url = "{wecom.url}"

[[channel]]
name = "赵家沟乡书记群"
kind = "dingtalk"
scope = "赵家沟乡"
url = "{dingtalk.url}"
secret_env = "DINGTALK_SECRET"

[[channel]]
name = "县领导飞书群"
kind = "feishu"
scope = "全县"
url = "{feishu.url}"
secret_env = "FEISHU_SECRET"

[[channel]]
name = "县办邮箱"
kind = "email"
scope = "全县"
host = "127.0.0.1"
port = {port}
security = "starttls"
from = "河曲县脱贫攻坚周报 <report@hequ.example>"
to = ["leader@hequ.example", "office@hequ.example"]
username_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"
cafile = "{cert}"
""")  # fmt: skip
        first = on_sample("push", "--out", reports)
        assert first.code == 0, first.err

        # WeCom: the briefing as markdown, the county's summary image (md5 checked), the county's PDF.
        kinds = [a.kind for a in wecom.received]
        assert kinds == ["markdown", "image", "file"], (kinds, wecom.refused)
        markdown = wecom.received[0].body["markdown"]["content"]
        assert "本周简报" in markdown and "数据截至2017年10月13日" in markdown and "全县" in markdown
        assert "189户、425人" in markdown and "逾期未完成：第一批搬迁村联合党支部数" in markdown
        assert len(markdown.encode()) <= 4096
        assert wecom.received[1].data == (reports / "2017-W41_县_周报摘要.png").read_bytes()
        assert wecom.received[2].name == "2017-W41_县_周报.pdf"
        assert wecom.received[2].data == (reports / "2017-W41_县_周报.pdf").read_bytes()

        # DingTalk: 赵家沟乡's own report, signed, with its dashboard link and its summary image by URL.
        assert [a.kind for a in dingtalk.received] == ["markdown"], dingtalk.refused
        text = dingtalk.received[0].body["markdown"]["text"]
        assert "赵家沟乡" in text and "101户、228人" in text
        assert (
            "http://kanban.hequ.example/?as_of=2017-10-13&township=%E8%B5%B5%E5%AE%B6%E6%B2%9F%E4%B9%A1"
            in text
        )
        assert (
            "http://kanban.hequ.example/reports/2017-W41_%E8%B5%B5%E5%AE%B6%E6%B2%9F%E4%B9%A1_%E5%91%A8%E6%8A%A5%E6%91%98%E8%A6%81.png"
            in text
        )

        # Feishu: a signed post with the county's briefing.
        assert [a.kind for a in feishu.received] == ["post"], feishu.refused
        post = json.dumps(feishu.received[0].body["content"], ensure_ascii=False)
        assert "本周简报" in post and "425人" in post

        # E-mail: one message to both addresses, the summary inline, the PDF and the .docx attached.
        assert len(mailbox.messages) == 1
        sender, recipients, raw = mailbox.messages[0]
        assert recipients == ["leader@hequ.example", "office@hequ.example"]
        message = email.message_from_bytes(raw, policy=email.policy.default)
        attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
        assert attachments["2017-W41_县_周报.pdf"] == (reports / "2017-W41_县_周报.pdf").read_bytes()
        assert attachments["2017-W41_县_周报.docx"] == (reports / "2017-W41_县_周报.docx").read_bytes()
        inline = [p for p in message.walk() if p.get_content_type() == "image/png"]
        assert len(inline) == 1 and inline[0]["Content-ID"]
        body = message.get_body(preferencelist=("plain",))
        assert body is not None and "本周简报" in body.get_content()

        # A second run delivers nothing new; --again sends every part anew.
        second = on_sample("push", "--out", reports)
        assert second.code == 0, second.err
        assert len(wecom.received) == 3 and len(dingtalk.received) == 1 and len(feishu.received) == 1
        assert len(mailbox.messages) == 1
        assert "已发送 0 条，跳过 6 条" in second.out
        again = on_sample("push", "--out", reports, "--again")
        assert again.code == 0, again.err
        assert len(wecom.received) == 6 and len(dingtalk.received) == 2 and len(mailbox.messages) == 2

    said = _everything_said(first, store) + second.out + again.out
    for secret in (
        WeComRobot.key,
        DingTalkRobot.token,
        DingTalkRobot.secret,
        FeishuBot.token,
        FeishuBot.secret,
        SMTP_PASSWORD,
    ):
        assert secret not in said, "a secret was printed or logged"
    delivered = {(e["channel"], e["part"]) for e in _log(store) if e["status"] == "delivered"}
    assert delivered == {
        ("县领导群", "markdown"), ("县领导群", "image"), ("县领导群", "file"), ("赵家沟乡书记群", "markdown"),
        ("县领导飞书群", "post"), ("县办邮箱", "email"),
    }  # fmt: skip


def test_a_rate_limit_answer_is_retried_and_then_delivered(on_sample, reports: Path) -> None:
    store = on_sample.data_dir
    with serving(WeComRobot()) as wecom, serving(DingTalkRobot()) as dingtalk, serving(FeishuBot()) as feishu:
        wecom.refuse_next(2, 45009)
        dingtalk.refuse_next(1, 130101)
        feishu.refuse_next(1, 11232)
        _config(store, f"""{FAST}
[[channel]]
kind = "wecom"
scope = "全县"
url = "{wecom.url}"
[[channel]]
kind = "dingtalk"
scope = "全县"
url = "{dingtalk.url}"
secret = "{dingtalk.secret}"
[[channel]]
kind = "feishu"
scope = "全县"
url = "{feishu.url}"
secret = "{feishu.secret}"
""")  # fmt: skip
        done = on_sample("push", "--out", reports)
    assert done.code == 0, done.err
    assert [code for code, _ in wecom.refused] == [45009, 45009]
    assert [a.kind for a in wecom.received] == ["markdown", "image", "file"]
    assert [code for code, _ in dingtalk.refused] == [130101] and len(dingtalk.received) == 1
    assert [code for code, _ in feishu.refused] == [11232] and len(feishu.received) == 1


def test_a_receiver_that_is_down_fails_its_channel_alone_and_is_sent_by_the_next_run(
    on_sample, reports: Path
) -> None:
    store = on_sample.data_dir
    down = f"http://127.0.0.1:{closed_port()}/robot/send?access_token={DingTalkRobot.token}"
    with serving(WeComRobot()) as wecom:
        config = f"""{FAST}
[[channel]]
name = "县领导群"
kind = "wecom"
scope = "全县"
url = "WECOM_URL"
[[channel]]
name = "赵家沟乡书记群"
kind = "dingtalk"
scope = "赵家沟乡"
url = "DINGTALK_URL"
secret = "{DingTalkRobot.secret}"
"""
        _config(store, config.replace("WECOM_URL", wecom.url).replace("DINGTALK_URL", down))
        failed = on_sample("push", "--out", reports)
    assert failed.code == 1
    assert "钉钉「赵家沟乡书记群」（赵家沟乡）" in failed.err and "无法连接" in failed.err
    assert len(wecom.received) == 3  # the other channel was delivered
    states = [(e["channel"], e["part"], e["status"]) for e in _log(store)]
    assert ("赵家沟乡书记群", "markdown", "failed") in states
    assert ("赵家沟乡书记群", "markdown", "delivered") not in states
    assert DingTalkRobot.token not in _everything_said(failed, store)

    with serving(WeComRobot()) as wecom, serving(DingTalkRobot()) as dingtalk:
        _config(store, config.replace("WECOM_URL", wecom.url).replace("DINGTALK_URL", dingtalk.url))
        later = on_sample("push", "--out", reports)
    assert later.code == 0, later.err
    assert len(dingtalk.received) == 1  # only what was left unsent
    assert wecom.requests == 0, "the delivered channel is not sent again"


def test_a_wrong_signature_is_refused_at_once_with_the_services_answer(on_sample, reports: Path) -> None:
    store = on_sample.data_dir
    with serving(DingTalkRobot()) as dingtalk:
        _config(store, f"""{FAST}
[[channel]]
kind = "dingtalk"
scope = "全县"
url = "{dingtalk.url}"
secret = "SEC-not-the-robots-secret"
""")  # fmt: skip
        done = on_sample("push", "--out", reports)
    assert done.code == 1
    assert "errcode 310000" in done.err and "sign not match" in done.err
    assert dingtalk.requests == 1, "a bad signature is final, not retried"
    assert "SEC-not-the-robots-secret" not in _everything_said(done, store)


def test_twenty_messages_a_minute_per_robot_are_never_exceeded(on_sample, reports: Path) -> None:
    """Eight channels to one robot make 24 messages; the robot (here with a 2-second window) takes 20
    per window and answers 45009 to any more. The sender spaces them, so none is refused."""
    store = on_sample.data_dir
    with serving(WeComRobot(per_window=20, window_s=2.0)) as wecom:
        channels = "".join(
            f'\n[[channel]]\nname = "群{n}"\nkind = "wecom"\nscope = "全县"\nurl = "{wecom.url}"\n'
            for n in range(8)
        )
        _config(store, f"[push]\nretries = 0\nbackoff_s = 0.05\nwindow_s = 2.0\n{channels}")
        done = on_sample("push", "--out", reports)
    assert done.code == 0, done.err
    assert len(wecom.received) == 24 and wecom.refused == []


def test_an_image_over_two_megabytes_is_not_sent(on_sample, reports: Path) -> None:
    store = on_sample.data_dir
    summary = reports / "2017-W41_县_周报摘要.png"
    summary.write_bytes(summary.read_bytes() + b"\0" * (2 * 1024 * 1024))
    with serving(WeComRobot()) as wecom:
        _config(store, f'{FAST}\n[[channel]]\nkind = "wecom"\nscope = "全县"\nurl = "{wecom.url}"\n')
        done = on_sample("push", "--out", reports)
    assert done.code == 1
    assert "不能超过2MB" in done.err
    assert [a.kind for a in wecom.received] == ["markdown"]


# aiosmtpd cannot tell that a connection was TLS from the start, so it warns about AUTH without STARTTLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_mail_over_tls_from_the_start_and_a_refused_login(
    on_sample, reports: Path, tls: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = on_sample.data_dir
    cert, key = tls
    monkeypatch.setenv("SMTP_USER", SMTP_USER)
    with smtp_server(cert, key, SMTP_USER, SMTP_PASSWORD, implicit_tls=True) as (mailbox, port):
        config = f"""{FAST}
[[channel]]
kind = "email"
scope = "赵家沟乡"
host = "127.0.0.1"
port = {port}
security = "ssl"
from = "report@hequ.example"
to = ["zjg@hequ.example"]
username_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"
cafile = "{cert}"
"""
        _config(store, config)
        monkeypatch.setenv("SMTP_PASSWORD", "wrong-password")
        refused = on_sample("push", "--out", reports)
        assert refused.code == 1 and "拒绝登录" in refused.err and not mailbox.messages
        monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
        done = on_sample("push", "--out", reports)
    assert done.code == 0, done.err
    message = email.message_from_bytes(mailbox.messages[0][2], policy=email.policy.default)
    assert "赵家沟乡" in str(message["Subject"])
    names = {part.get_filename() for part in message.iter_attachments()}
    assert names == {"2017-W41_赵家沟乡_周报.pdf", "2017-W41_赵家沟乡_周报.docx"}
    assert "wrong-password" not in _everything_said(refused, store)


def test_dry_run_says_what_would_go_where_and_sends_nothing(on_sample, reports: Path) -> None:
    store = on_sample.data_dir
    with serving(WeComRobot()) as wecom:
        _config(store, f'[[channel]]\nkind = "wecom"\nscope = "赵家沟乡"\nurl = "{wecom.url}"\n')
        done = on_sample("push", "--out", reports, "--dry-run")
    assert done.code == 0, done.err
    assert wecom.requests == 0 and not _log(store)
    assert "将发送 企业微信" in done.out and "2017-W41_赵家沟乡_周报.pdf" in done.out
    assert "key=****" in done.out and WeComRobot.key not in done.out


@pytest.mark.parametrize(
    ("config", "mode", "said"),
    [
        ('[[channel]]\nkind = "wechat"\nscope = "全县"\nurl = "http://x/send?key=k"\n', 0o600, "kind 应为"),
        (
            '[[channel]]\nkind = "dingtalk"\nscope = "全县"\nurl = "http://x/robot/send?access_token=t"\n',
            0o600,
            "须加签",
        ),
        (
            '[[channel]]\nkind = "feishu"\nscope = "全县"\nurl = "http://x/hook/t"\nsecret = "abc123"\n',
            0o644,
            "chmod 600",
        ),
        ('[[channel]]\nkind = "wecom"\nscope = "火星乡"\nurl = "http://x/send?key=k"\n', 0o600, "火星乡"),
        (
            '[[channel]]\nkind = "wecom"\nscope = "全县"\nurl_env = "NO_SUCH_VARIABLE"\n',
            0o600,
            "NO_SUCH_VARIABLE 未设置",
        ),
        (
            '[[channel]]\nkind = "email"\nscope = "全县"\nhost = "h"\nfrom = "a@b"\nto = ["c@d"]\npassword = "p"\n',
            0o600,
            "不认识的设置 password",
        ),
        ("[[channel]\n", 0o600, "无法读取"),
    ],
)
def test_a_bad_push_toml_is_refused_with_exit_2(
    on_sample, reports: Path, config: str, mode: int, said: str
) -> None:
    _config(on_sample.data_dir, config, mode)
    done = on_sample("push", "--out", reports)
    assert done.code == 2, done.err
    assert said in done.err and "Traceback" not in done.err


def test_no_push_toml_is_exit_2_and_a_week_without_report_is_exit_1(on_sample, tmp_path: Path) -> None:
    done = on_sample("push", "--out", tmp_path / "empty")
    assert done.code == 2 and "找不到推送配置" in done.err
    _config(
        on_sample.data_dir,
        '[[channel]]\nkind = "wecom"\nscope = "全县"\nurl = "http://127.0.0.1:9/send?key=k"\n',
    )
    done = on_sample("push", "--out", tmp_path / "empty")
    assert done.code == 1 and "请先运行 python -m tracker report" in done.err
