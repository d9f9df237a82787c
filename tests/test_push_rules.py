"""The rules under the push and the document's fonts, without a browser or a network: addresses and
errors masked, 20 messages a window per robot, a briefing cut to the services' sizes, and the
document fonts' character map without the radicals Noto CJK shares with ideographs."""

from __future__ import annotations

from fontTools.ttLib import TTCollection, TTFont

from tracker.push.masking import Masker, mask_url, url_secrets
from tracker.push.message import CUT, fit
from tracker.push.rate import RateLimiter
from tracker.weekly import fonts


def test_webhook_addresses_are_shown_without_their_keys() -> None:
    wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4"
    dingtalk = "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456"
    feishu = "https://open.feishu.cn/open-apis/bot/v2/hook/0f9e8d7c-6b5a"
    assert mask_url(wecom) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****"
    assert mask_url(dingtalk) == "https://oapi.dingtalk.com/robot/send?access_token=****"
    assert mask_url(feishu) == "https://open.feishu.cn/open-apis/bot/v2/hook/****"
    secrets = url_secrets(wecom) + url_secrets(dingtalk) + url_secrets(feishu) + ["SEC-secret"]
    said = f"HTTPSConnectionPool: Max retries exceeded with url: {wecom} {dingtalk} {feishu} sign=SEC-secret"
    masked = Masker(secrets).mask(said)
    assert all(secret not in masked for secret in secrets) and masked.count("****") == 4


def test_no_more_than_twenty_messages_a_minute_go_to_one_robot() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(20, 60.0, clock=lambda: now[0], sleep=sleep)
    sent = []
    for _ in range(45):
        limiter.wait("robot-a")
        sent.append(now[0])
        now[0] += 0.1  # each message takes a tenth of a second
        limiter.sent("robot-a")
    assert limiter.wait("robot-b") == 0.0, "another robot has its own minute"
    for n, at in enumerate(sent):
        in_window = [t for t in sent[: n + 1] if at - t < 60.0]
        assert len(in_window) <= 20, f"message {n + 1}: {len(in_window)} in one minute"
    assert sent[20] >= 60.0 and sent[40] >= 120.0, "the 21st and the 41st wait for the next minute"


def test_a_long_briefing_is_cut_at_a_sentence_to_fit_the_services_size() -> None:
    briefing = "".join(f"第{n}句，全县整村搬迁进度如下所述。" for n in range(400))
    cut = fit(briefing, 4000)
    assert len(cut.encode()) <= 4000 and cut.endswith(CUT)
    assert cut.removesuffix(CUT).endswith("。") and briefing.startswith(cut.removesuffix(CUT))
    assert fit("短句。", 4000) == "短句。"


def test_the_document_fonts_map_ideographs_only_where_noto_shares_a_glyph_with_a_radical() -> None:
    source = TTCollection(str(fonts._source("NotoSerifCJK-Regular.ttc")), lazy=True)
    noto = next(f for f in source.fonts if f["name"].getDebugName(1).endswith(" SC")).getBestCmap()
    assert noto[0x2F08] == noto[0x4EBA], "Noto draws 人 and the radical ⼈ with one glyph"
    shadowing = fonts.shadowing_code_points(noto)
    assert {0x2F08, 0x2F0A, 0x2F3E} <= shadowing and 0x4EBA not in shadowing
    copy = TTFont(str(fonts.document_fonts().files["serif"]), lazy=True)
    cmap = copy.getBestCmap()
    for ideograph in "人入户至月一":  # each glyph is named by its ideograph alone
        glyph = cmap[ord(ideograph)]
        assert [code for code, g in cmap.items() if g == glyph] == [ord(ideograph)], ideograph
    assert copy["name"].getDebugName(1) == "DocSerif"
