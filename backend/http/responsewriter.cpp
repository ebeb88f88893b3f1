#include "responsewriter.h"

#include <charconv>
#include <cstring>

namespace Meshdeck::Http {

namespace {

// Writes through a raw cursor into a buffer sized up front: the response head is a dozen small
// pieces, and QByteArray::append per piece costs more than the bytes themselves.
class HeadWriter
{
public:
    HeadWriter(QByteArray &out, qsizetype maxBytes)
        : m_out(out)
        , m_start(out.size())
    {
        out.resize(m_start + maxBytes);
        m_cursor = out.data() + m_start;
    }
    void add(QByteArrayView bytes)
    {
        std::memcpy(m_cursor, bytes.data(), size_t(bytes.size()));
        m_cursor += bytes.size();
    }
    void add(char c) { *m_cursor++ = c; }
    void addNumber(qint64 value) { m_cursor = std::to_chars(m_cursor, m_cursor + 24, value).ptr; }
    void finish() { m_out.resize(m_cursor - m_out.constData()); }

private:
    QByteArray &m_out;
    qsizetype m_start;
    char *m_cursor;
};

} // namespace

void serializeResponse(QByteArray &out, const Response &response, QByteArrayView date,
                       QByteArrayView requestId, int versionMinor, bool keepAlive, bool close, bool head)
{
    const bool bodyless = response.status == 204 || response.status == 304 || response.status < 200;
    const bool streamed = response.bodySource != nullptr;
    const bool withBody = !head && !bodyless && !streamed;
    // A HEAD answer or a streamed body announces its length apart from `body`; a streamed body
    // of unknown length goes chunked to HTTP/1.1 (HTTP/1.0: until the close, which the caller set).
    qint64 length = response.declaredLength;
    if (length < 0)
        length = streamed ? response.bodySource->length() : response.body.size();
    qsizetype extra = 0;
    for (const auto &[name, value] : response.headers)
        extra += name.size() + value.size() + 4;
    const QByteArrayView reason = reasonPhrase(response.status);
    HeadWriter w(out, 160 + reason.size() + date.size() + response.contentType.size() + requestId.size() +
                          extra + (withBody ? response.body.size() : 0));
    w.add("HTTP/1.1 ");
    w.addNumber(response.status);
    w.add(' ');
    w.add(reason);
    w.add("\r\nDate: ");
    w.add(date);
    if (!response.contentType.isEmpty()) {
        w.add("\r\nContent-Type: ");
        w.add(response.contentType);
    }
    if (!bodyless && length >= 0) {
        w.add("\r\nContent-Length: ");
        w.addNumber(length);
    } else if (!bodyless && versionMinor >= 1) {
        w.add("\r\nTransfer-Encoding: chunked");
    }
    w.add("\r\nX-Request-Id: ");
    w.add(requestId);
    if (close)
        w.add("\r\nConnection: close");
    else if (versionMinor == 0 && keepAlive)
        w.add("\r\nConnection: keep-alive");
    for (const auto &[name, value] : response.headers) {
        w.add("\r\n");
        w.add(name);
        w.add(": ");
        w.add(value);
    }
    w.add("\r\n\r\n");
    if (withBody)
        w.add(response.body);
    w.finish();
}

} // namespace Meshdeck::Http
