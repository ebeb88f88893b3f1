#include "responseparser.h"

#include "headernames.h"

#include <cstring>
#include <limits>

namespace Meshdeck::Http {

namespace {

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && isOws(v.front()))
        v = v.sliced(1);
    while (!v.isEmpty() && isOws(v.back()))
        v.chop(1);
    return v;
}

// Visits the non-empty elements of a comma-separated list, trimmed; stops when `f` returns false.
template<typename F> bool forEachElement(QByteArrayView list, F f)
{
    qsizetype start = 0;
    while (start <= list.size()) {
        qsizetype comma = findByte(list, ',', start);
        if (comma < 0)
            comma = list.size();
        const QByteArrayView element = trimOws(list.sliced(start, comma - start));
        if (!element.isEmpty() && !f(element))
            return false;
        start = comma + 1;
    }
    return true;
}

bool hasToken(QByteArrayView list, QByteArrayView token)
{
    return !forEachElement(list, [token](QByteArrayView e) {
        return e.size() != token.size() || e.compare(token, Qt::CaseInsensitive) != 0;
    });
}

bool isVisibleOrSpace(char c)
{
    return c == '\t' || (uchar(c) >= 0x20 && uchar(c) != 0x7f);
}

} // namespace

ResponseParser::ResponseParser(Limits limits)
    : m_limits(limits)
{}

void ResponseParser::reset(bool headRequest, bool streaming)
{
    m_headRequest = headRequest;
    m_streaming = streaming;
    m_headDone = false;
    m_bodyLength = -1;
    m_started = false;
    m_interimCount = 0;
    m_error = Error::None;
    m_errorReason.clear();
    m_body = QByteArray();
    m_remaining = 0;
    m_keepAlive = false;
    startHead();
}

void ResponseParser::startHead()
{
    m_state = State::StatusLine;
    m_line.resize(0);
    m_headers.clear();
    m_headerBytes = 0;
    m_headerCount = 0;
    m_status = 0;
    m_versionMinor = 1;
}

bool ResponseParser::fail(Error error, QString reason)
{
    m_state = State::Error;
    m_error = error;
    m_errorReason = std::move(reason);
    m_keepAlive = false;
    return false;
}

qsizetype ResponseParser::allowedLineBytes() const
{
    // Bytes one line may take including its CRLF.
    switch (m_state) {
    case State::StatusLine:
    case State::Headers:
    case State::Trailers:
        // The empty line that ends a section is always allowed.
        return qMax<qsizetype>(m_limits.maxHeaderBytes - m_headerBytes, 2);
    case State::ChunkDataEnd:
        return 2;
    default:
        return MaxChunkSizeLine + 2;
    }
}

bool ResponseParser::appendBody(QByteArrayView bytes)
{
    if (!m_streaming && m_body.size() + bytes.size() > m_limits.maxBodyBytes)
        return fail(Error::TooLarge,
                    QStringLiteral("The response body is larger than %1 bytes.").arg(m_limits.maxBodyBytes));
    m_body.append(bytes);
    return true;
}

qsizetype ResponseParser::feed(QByteArrayView data)
{
    qsizetype pos = 0;
    if (!data.isEmpty() && m_state != State::Complete && m_state != State::Error)
        m_started = true;
    while (pos < data.size() && m_state != State::Complete && m_state != State::Error) {
        if (m_state == State::UntilClose) {
            const QByteArrayView rest = data.sliced(pos);
            pos = data.size();
            if (!appendBody(rest))
                return pos;
            continue;
        }
        if (m_state == State::Body || m_state == State::ChunkData) {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, data.size() - pos));
            // The limit was checked against the declared size. A body that came in one read (the
            // usual) is one exact copy; QByteArray::append to an empty array costs twice that.
            if (m_body.isEmpty())
                m_body = QByteArray(data.data() + pos, take);
            else
                m_body.append(data.sliced(pos, take));
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = m_state == State::Body ? State::Complete : State::ChunkDataEnd;
            continue;
        }

        const char *start = data.data() + pos;
        const auto *lf = static_cast<const char *>(std::memchr(start, '\n', size_t(data.size() - pos)));
        const qsizetype chunkLen = lf ? qsizetype(lf - start) + 1 : data.size() - pos;
        const qsizetype total = m_line.size() + chunkLen;
        const qsizetype allowed = allowedLineBytes();
        // Without the LF yet, at least one more byte will come, so reaching the limit is already too much.
        if (lf ? total > allowed : total >= allowed) {
            pos += chunkLen;
            switch (m_state) {
            case State::StatusLine:
            case State::Headers:
                fail(Error::TooLarge, QStringLiteral("The response head is larger than %1 bytes.")
                                          .arg(m_limits.maxHeaderBytes));
                break;
            case State::Trailers:
                fail(Error::TooLarge, QStringLiteral("The response trailers are larger than %1 bytes.")
                                          .arg(m_limits.maxHeaderBytes));
                break;
            case State::ChunkDataEnd:
                fail(Error::Malformed, QStringLiteral("Chunk data is longer than its declared size."));
                break;
            default:
                fail(Error::TooLarge,
                     QStringLiteral("A chunk-size line is longer than %1 bytes.").arg(MaxChunkSizeLine));
                break;
            }
            return pos;
        }
        pos += chunkLen;
        if (!lf) {
            m_line.append(start, chunkLen);
            break;
        }
        QByteArrayView line;
        if (m_line.isEmpty()) {
            line = QByteArrayView(start, chunkLen);
        } else {
            m_line.append(start, chunkLen);
            line = QByteArrayView(m_line);
        }
        if (line.size() < 2 || line[line.size() - 2] != '\r') {
            fail(Error::Malformed, QStringLiteral("A line of the response ends with a bare LF, not CRLF."));
            return pos;
        }
        line.chop(2);
        const bool ok = processLine(line);
        if (!m_line.isEmpty())
            m_line.resize(0); // keeps the capacity for the next split line (most lines never use it)
        if (!ok)
            return pos;
    }
    return pos;
}

bool ResponseParser::endOfInput()
{
    if (m_state == State::UntilClose)
        m_state = State::Complete;
    return m_state == State::Complete;
}

bool ResponseParser::processLine(QByteArrayView line)
{
    // A stray CR or NUL in the status line or a header line is refused by their own checks: names
    // are tokens, and the reason phrase and values exclude control characters.
    if ((m_state == State::ChunkSize || m_state == State::ChunkDataEnd) &&
        (std::memchr(line.data(), '\r', size_t(line.size())) ||
         std::memchr(line.data(), '\0', size_t(line.size()))))
        return fail(Error::Malformed, QStringLiteral("The response contains a stray CR or NUL byte."));
    switch (m_state) {
    case State::StatusLine:
        m_headerBytes += line.size() + 2;
        return processStatusLine(line);
    case State::Headers:
    case State::Trailers:
        if (line.isEmpty()) {
            if (m_state == State::Trailers) {
                m_state = State::Complete;
                return true;
            }
            return finishHead();
        }
        return processHeaderLine(line);
    case State::ChunkSize:
        return processChunkSize(line);
    case State::ChunkDataEnd:
        if (!line.isEmpty())
            return fail(Error::Malformed, QStringLiteral("Chunk data is longer than its declared size."));
        m_state = State::ChunkSize;
        return true;
    default:
        return fail(Error::Malformed, QStringLiteral("The response parser reached an impossible state."));
    }
}

// status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ]; a missing final SP is tolerated.
bool ResponseParser::processStatusLine(QByteArrayView line)
{
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || line[8] != ' ')
        return fail(Error::Malformed,
                    QStringLiteral("The response does not start with an HTTP/1.x status line."));
    if (line[7] == '1')
        m_versionMinor = 1;
    else if (line[7] == '0')
        m_versionMinor = 0;
    else
        return fail(Error::Malformed, QStringLiteral("The response's HTTP version is not 1.0 or 1.1."));
    int status = 0;
    for (int i = 9; i < 12; ++i) {
        const char c = line[i];
        if (c < '0' || c > '9')
            return fail(Error::Malformed, QStringLiteral("The response's status code is not three digits."));
        status = status * 10 + (c - '0');
    }
    if (status < 100 || status > 599)
        return fail(Error::Malformed,
                    QStringLiteral("The response's status code %1 is outside 100-599.").arg(status));
    if (line.size() > 12) {
        if (line[12] != ' ')
            return fail(Error::Malformed, QStringLiteral("The response's status code is not three digits."));
        for (char c : line.sliced(13)) {
            if (!isVisibleOrSpace(c))
                return fail(Error::Malformed,
                            QStringLiteral("The response's reason phrase contains a control character."));
        }
    }
    m_status = status;
    m_state = State::Headers;
    return true;
}

bool ResponseParser::processHeaderLine(QByteArrayView line)
{
    m_headerBytes += line.size() + 2;
    if (++m_headerCount > m_limits.maxHeaderCount)
        return fail(Error::TooLarge, QStringLiteral("The response has more than %1 %2 fields.")
                                         .arg(m_limits.maxHeaderCount)
                                         .arg(m_state == State::Trailers ? QStringLiteral("trailer")
                                                                         : QStringLiteral("header")));
    if (isOws(line.front()))
        return fail(Error::Malformed, QStringLiteral("The response folds a header line (obs-fold)."));
    const auto *colonAt = static_cast<const char *>(std::memchr(line.data(), ':', size_t(line.size())));
    const qsizetype colon = colonAt ? qsizetype(colonAt - line.data()) : -1;
    if (colon <= 0)
        return fail(Error::Malformed, QStringLiteral("A response header field name is malformed."));
    const QByteArrayView rawName = line.first(colon);
    const QByteArrayView value = trimOws(line.sliced(colon + 1));
    // A name or value that came exactly as in the connection's last head was checked then.
    const bool trailer = m_state == State::Trailers;
    const qsizetype index = trailer ? RepeatedHeads::Slots : m_headers.size();
    const QByteArray *name = m_repeated.repeatedName(index, rawName);
    if (!name && !isToken(rawName))
        return fail(Error::Malformed, QStringLiteral("A response header field name is malformed."));
    const QByteArray *repeated = m_repeated.repeatedValue(index, value);
    if (!repeated) {
        for (char c : value) {
            if (!isVisibleOrSpace(c))
                return fail(Error::Malformed,
                            QStringLiteral("A response header value contains a control character."));
        }
    }
    if (trailer)
        return true; // trailers are checked and counted, then dropped
    if (m_headers.capacity() == 0)
        m_headers = m_repeated.emptyList();
    m_headers.emplace_back(name ? *name : m_repeated.newName(index, rawName),
                           repeated ? *repeated : m_repeated.newValue(index, value));
    return true;
}

bool ResponseParser::finishHead()
{
    if (m_status >= 100 && m_status < 200) {
        if (m_status == 101)
            return fail(Error::Malformed, QStringLiteral("The upstream switched protocols (101) unasked."));
        // An interim response (100 Continue, 103 Early Hints): the final one follows.
        if (++m_interimCount > MaxInterimResponses)
            return fail(
                Error::Malformed,
                QStringLiteral("The upstream sent more than %1 interim responses.").arg(MaxInterimResponses));
        startHead();
        return true;
    }
    bool hasLength = false;
    QByteArrayView contentLength; // into m_headers, which outlive startBody()
    QByteArray transferEncoding;
    bool close = false;
    for (const auto &[name, value] : std::as_const(m_headers)) {
        if (isNamed(name, "content-length")) {
            // Repeated or listed values are accepted only when all are the same number.
            const bool ok = forEachElement(value, [&](QByteArrayView element) {
                if (hasLength && element != contentLength)
                    return false;
                contentLength = element;
                hasLength = true;
                return true;
            });
            if (!ok)
                return fail(Error::Malformed,
                            QStringLiteral("The response has differing Content-Length values."));
            if (!hasLength)
                return fail(Error::Malformed, QStringLiteral("The response's Content-Length is empty."));
        } else if (isNamed(name, "transfer-encoding")) {
            transferEncoding += transferEncoding.isEmpty() ? value : ',' + value;
        } else if (isNamed(name, "connection")) {
            close = close || hasToken(value, "close");
        }
    }
    if (hasLength && !transferEncoding.isEmpty())
        return fail(Error::Malformed,
                    QStringLiteral("The response has both Content-Length and Transfer-Encoding."));
    m_keepAlive = m_versionMinor == 1 && !close;
    return startBody(contentLength, hasLength, transferEncoding);
}

bool ResponseParser::startBody(QByteArrayView contentLength, bool hasLength,
                               const QByteArray &transferEncoding)
{
    qint64 length = -1;
    if (hasLength) {
        if (contentLength.size() > 18)
            return fail(Error::TooLarge, QStringLiteral("The response's Content-Length is too large."));
        for (char c : contentLength) {
            if (c < '0' || c > '9')
                return fail(Error::Malformed,
                            QStringLiteral("The response's Content-Length is not a number."));
        }
        length = contentLength.toLongLong();
    }
    bool chunked = false;
    if (!transferEncoding.isEmpty()) {
        if (m_versionMinor == 0)
            return fail(Error::Malformed, QStringLiteral("An HTTP/1.0 response has a Transfer-Encoding."));
        int codings = 0;
        forEachElement(transferEncoding, [&](QByteArrayView element) {
            ++codings;
            chunked = element.compare("chunked", Qt::CaseInsensitive) == 0;
            return true;
        });
        if (codings != 1 || !chunked)
            return fail(Error::Malformed,
                        QStringLiteral(
                            "The response's Transfer-Encoding is not 'chunked' (the only one supported)."));
    }
    m_headDone = true;
    if (hasLength && !chunked)
        m_bodyLength = length;
    // RFC 9112 6.3: these responses end with their head, whatever their headers say.
    if (m_headRequest || m_status == 204 || m_status == 304) {
        m_state = State::Complete;
        return true;
    }
    if (chunked) {
        m_state = State::ChunkSize;
        return true;
    }
    if (hasLength) {
        if (!m_streaming && length > m_limits.maxBodyBytes)
            return fail(Error::TooLarge,
                        QStringLiteral("The response body is %1 bytes; at most %2 are accepted.")
                            .arg(length)
                            .arg(m_limits.maxBodyBytes));
        if (length == 0) {
            m_state = State::Complete;
            return true;
        }
        if (!m_streaming)
            m_body.reserve(qsizetype(qMin<qint64>(length, 1024 * 1024)));
        m_remaining = length;
        m_state = State::Body;
        return true;
    }
    // No framing: the body runs until the upstream closes the connection, which cannot be reused.
    m_keepAlive = false;
    m_state = State::UntilClose;
    return true;
}

// chunk-size [ BWS ";" chunk-ext ]: the size in hex, extensions ignored.
bool ResponseParser::processChunkSize(QByteArrayView line)
{
    qsizetype i = 0;
    qint64 size = 0;
    constexpr qint64 Ceiling = (std::numeric_limits<qint64>::max() - 15) / 16;
    for (; i < line.size(); ++i) {
        const char c = line[i];
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            break;
        if (size > Ceiling)
            return fail(Error::TooLarge, QStringLiteral("A chunk of the response is too large."));
        size = size * 16 + v;
    }
    if (i == 0)
        return fail(Error::Malformed, QStringLiteral("A chunk size of the response is not hexadecimal."));
    while (i < line.size() && isOws(line[i]))
        ++i;
    if (i < line.size()) {
        if (line[i] != ';')
            return fail(Error::Malformed, QStringLiteral("A chunk size of the response is not hexadecimal."));
        for (char c : line.sliced(i))
            if (!isVisibleOrSpace(c))
                return fail(Error::Malformed,
                            QStringLiteral("A chunk extension contains a control character."));
    }
    if (size == 0) {
        // Trailers get a budget of their own, as large as the head's.
        m_headerBytes = 0;
        m_headerCount = 0;
        m_state = State::Trailers;
        return true;
    }
    if (!m_streaming && size > m_limits.maxBodyBytes - m_body.size())
        return fail(Error::TooLarge,
                    QStringLiteral("The response body is larger than %1 bytes.").arg(m_limits.maxBodyBytes));
    m_remaining = size;
    m_state = State::ChunkData;
    return true;
}

} // namespace Meshdeck::Http
