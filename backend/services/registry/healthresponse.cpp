#include "healthresponse.h"

namespace Meshdeck::Registry {

namespace {
constexpr qsizetype MaxOutputChars = 256;
constexpr qsizetype MaxReasonChars = 64;

// Printable text only, whitespace runs collapsed, bounded.
QString printable(QByteArrayView bytes, qsizetype limit)
{
    QString text = QString::fromUtf8(bytes.first(qMin(bytes.size(), limit * 4)));
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            c = QLatin1Char(' ');
    }
    text = text.simplified();
    if (text.size() > limit)
        text = text.first(limit - 1) + QChar(0x2026);
    return text;
}
} // namespace

HealthResponse parseHealthResponse(QByteArrayView received, bool closed)
{
    HealthResponse r;
    const qsizetype lineEnd = received.indexOf("\r\n");
    if (lineEnd < 0) {
        // Not even a status line yet; a peer that closed, or sent more than a line can hold, is not HTTP.
        r.state = closed || received.size() > 1024 ? HealthResponse::State::Invalid
                                                   : HealthResponse::State::Incomplete;
        return r;
    }
    const QByteArrayView line = received.first(lineEnd);
    // "HTTP/1.x SP 3DIGIT [SP reason]"
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || line[8] != ' ' || !std::isdigit(uchar(line[9])) ||
        !std::isdigit(uchar(line[10])) || !std::isdigit(uchar(line[11])) ||
        (line.size() > 12 && line[12] != ' ')) {
        r.state = HealthResponse::State::Invalid;
        return r;
    }
    r.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (r.status < 100 || r.status > 599) {
        r.state = HealthResponse::State::Invalid;
        return r;
    }
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    if (headEnd < 0 && !closed)
        return r; // Incomplete: the head goes on
    r.state = HealthResponse::State::Complete;
    const QString reason = line.size() > 13 ? printable(line.sliced(13), MaxReasonChars) : QString();
    r.output = QStringLiteral("HTTP %1").arg(r.status);
    if (!reason.isEmpty())
        r.output += QLatin1Char(' ') + reason;
    if (headEnd >= 0) {
        const QString body = printable(received.sliced(headEnd + 4), MaxOutputChars);
        if (!body.isEmpty())
            r.output += QStringLiteral(": ") + body;
    }
    return r;
}

} // namespace Meshdeck::Registry
