"""E-mail (SMTP, over SSL or STARTTLS, login from the environment): one message per scope and week to
the listed addresses, with 本周简报 as text, the summary image inline in the HTML part, and the PDF
and the .docx attached.

A 4xx answer, a dropped connection or a timeout is retried with backoff; a refused login, refused
recipients, a 5xx answer or a certificate that does not verify are final.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from tracker.push.config import Channel
from tracker.push.delivery import Rejected, Retryable, deliver
from tracker.push.message import Context, Part, overdue_line, size
from tracker.push.week import ScopeReport

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def message(channel: Channel, report: ScopeReport, link: str) -> EmailMessage:
    """The e-mail: text and HTML (summary image inline), PDF and .docx attached."""
    mail = EmailMessage()
    mail["Subject"] = report.title
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    lines = [report.title, report.as_of_text, overdue_line(report), "", "本周简报：", report.briefing]
    if link:
        lines += ["", f"看板：{link}"]
    lines += ["", f"附件：{report.pdf.name}、{report.docx.name}"]
    mail.set_content("\n".join(line for line in lines if line is not None))
    image_id = make_msgid(domain="report.local")
    overdue = overdue_line(report)
    body = (
        f"<h3>{html.escape(report.title)}</h3><p>{html.escape(report.as_of_text)}</p>"
        + (f"<p style='color:#C62828'><b>{html.escape(overdue)}</b></p>" if overdue else "")
        + f"<p><b>本周简报：</b>{html.escape(report.briefing)}</p>"
        + (f"<p><a href='{html.escape(link)}'>打开看板查看详情</a></p>" if link else "")
        + f"<p><img src='cid:{image_id[1:-1]}' alt='周报摘要' style='max-width:540px'></p>"
    )
    mail.add_alternative(body, subtype="html")
    subtype = "jpeg" if report.summary.suffix == ".jpg" else "png"
    html_part = mail.get_body(preferencelist=("html",))
    assert html_part is not None  # just added
    html_part.add_related(
        report.summary.read_bytes(), "image", subtype, cid=image_id, filename=report.summary.name
    )
    mail.add_attachment(report.pdf.read_bytes(), "application", "pdf", filename=report.pdf.name)
    mail.add_attachment(report.docx.read_bytes(), *DOCX_TYPE, filename=report.docx.name)
    return mail


def _tls(channel: Channel) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=channel.cafile or None)


def _send_once(channel: Channel, mail: EmailMessage, timeout: float) -> None:
    try:
        if channel.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                channel.host, channel.port, timeout=timeout, context=_tls(channel)
            )
        else:
            server = smtplib.SMTP(channel.host, channel.port, timeout=timeout)
            server.starttls(context=_tls(channel))
        with server:
            if channel.username:
                server.login(channel.username, channel.password)
            server.send_message(mail)
    except smtplib.SMTPAuthenticationError as error:
        raise Rejected(f"邮件服务器拒绝登录（{error.smtp_code}）") from None
    except smtplib.SMTPNotSupportedError:
        raise Rejected("邮件服务器不支持登录（AUTH）：请检查 security 和 port") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise Rejected(f"收件地址被拒绝：{'、'.join(error.recipients)}") from None
    except smtplib.SMTPResponseException as error:
        reason = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        if error.smtp_code >= 500:
            raise Rejected(f"邮件服务器拒绝（{error.smtp_code} {reason[:200]}）") from None
        raise Retryable(f"邮件服务器暂时拒绝（{error.smtp_code} {reason[:200]}）") from None
    except ssl.SSLCertVerificationError as error:
        raise Rejected(
            f"邮件服务器证书校验失败：{error.verify_message}（可用 cafile 指定单位的根证书）"
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise Retryable(f"邮件发送中断：{type(error).__name__} {str(error)[:200]}") from None


def parts(channel: Channel, report: ScopeReport, context: Context) -> list[Part]:
    """The one e-mail of a channel for one scope's week."""
    mail = message(channel, report, context.link(report))

    def send() -> None:
        deliver(
            lambda: _send_once(channel, mail, context.settings.timeout_s), context.settings, context.sleep
        )

    describe = f"邮件至 {len(channel.to)} 个地址（{size(mail.as_bytes())}，含PDF和Word）"
    return [Part("email", describe, send)]
