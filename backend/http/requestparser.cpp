#include "requestparser.h"

#include "headernames.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace Meshdeck::Http {

namespace {

constexpr qsizetype MaxChunkSizeLine = 1024;

QByteArrayView trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

bool hasToken(QByteArrayView list, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= list.size()) {
        qsizetype comma = findByte(list, ',', start);
        if (comma < 0)
            comma = list.size();
        const QByteArrayView element = trimOws(list.sliced(start, comma - start));
        if (element.size() == token.size() && element.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = comma + 1;
    }
    return false;
}

} // namespace

RequestParser::RequestParser(const Limits &limits)
    : m_limits(limits)
{}

void RequestParser::setBodyLimitResolver(std::function<qint64(const Request &)> resolver)
{
    m_bodyLimitResolver = std::move(resolver);
}

void RequestParser::setBodyAdmission(std::function<bool(qint64)> admission)
{
    m_bodyAdmission = std::move(admission);
}

bool RequestParser::admitBody(qint64 bytes)
{
    if (!m_bodyAdmission || m_bodyAdmission(bytes))
        return true;
    return fail(503,
                QStringLiteral("The server is receiving too many request bodies at once; retry shortly."));
}

void RequestParser::reset()
{
    m_state = State::RequestLine;
    m_request = Request{};
    m_line.resize(0);
    m_headerBytes = 0;
    m_headerCount = 0;
    m_bodyLimit = 0;
    m_remaining = 0;
    m_received = 0;
    m_declaredLength = 0;
    m_streamingNow = false;
    m_started = false;
    m_expectContinue = false;
    m_chunked = false;
    m_errorStatus = 0;
    m_errorReason.clear();
}

Request RequestParser::takeRequest()
{
    m_repeated.lend(m_request.headers);
    Request r = std::move(m_request);
    reset();
    return r;
}

bool RequestParser::fail(int status, QString reason)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorReason = std::move(reason);
    return false;
}

qsizetype RequestParser::allowedLineBytes() const
{
    // Bytes one line may take including its CRLF.
    switch (m_state) {
    case State::RequestLine:
        return m_limits.maxRequestLine + 2;
    case State::Headers:
    case State::Trailers:
        // Field lines count with their CRLF; the empty line that ends the section is always allowed.
        return qMax<qsizetype>(m_limits.maxHeaderBytes - m_headerBytes, 2);
    case State::ChunkDataEnd:
        return 2;
    default:
        return MaxChunkSizeLine + 2;
    }
}

qsizetype RequestParser::feed(QByteArrayView data)
{
    qsizetype pos = 0;
    while (pos < data.size() && m_state != State::Complete && m_state != State::Error) {
        if (m_state == State::Body || m_state == State::ChunkData) {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, data.size() - pos));
            if (m_streamingNow && !admitBody(take))
                return pos;
            m_received += take;
            m_request.body.append(data.sliced(pos, take));
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = m_state == State::Body ? State::Complete : State::ChunkDataEnd;
            continue;
        }

        // Line-oriented states: skip blank lines before a request line, then collect one line.
        if (m_state == State::RequestLine && !m_started && m_line.isEmpty()) {
            if (data[pos] == '\r' || data[pos] == '\n') {
                // RFC 9112 2.2: ignore empty lines before the request-line (bounded by the read itself).
                ++pos;
                continue;
            }
            m_started = true;
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
            case State::RequestLine:
                fail(414, QStringLiteral("The request line is longer than %1 bytes; shorten the URL.")
                              .arg(m_limits.maxRequestLine));
                break;
            case State::Headers:
            case State::Trailers:
                fail(431,
                     QStringLiteral("The request headers are larger than %1 bytes in total; send fewer or "
                                    "smaller headers.")
                         .arg(m_limits.maxHeaderBytes));
                break;
            case State::ChunkDataEnd:
                fail(400, QStringLiteral("Chunk data is longer than its declared size."));
                break;
            default:
                fail(400, QStringLiteral("A chunk-size line is longer than %1 bytes.").arg(MaxChunkSizeLine));
                break;
            }
            return pos;
        }
        pos += chunkLen;
        if (!lf) {
            m_line.append(start, chunkLen);
            break;
        }
        // A line that arrived whole is parsed where it lies; only lines split across reads are copied.
        QByteArrayView line;
        if (m_line.isEmpty()) {
            line = QByteArrayView(start, chunkLen);
        } else {
            m_line.append(start, chunkLen);
            line = QByteArrayView(m_line);
        }
        if (line.size() < 2 || line[line.size() - 2] != '\r') {
            fail(400, QStringLiteral("A line ends with a bare LF; HTTP/1.1 lines end with CRLF."));
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

bool RequestParser::processLine(QByteArrayView line)
{
    // A stray CR or NUL in the request line or a header line is refused by their own checks: the
    // method and names are tokens, and the target, version and values exclude control characters.
    if ((m_state == State::ChunkSize || m_state == State::ChunkDataEnd) &&
        (std::memchr(line.data(), '\r', size_t(line.size())) ||
         std::memchr(line.data(), '\0', size_t(line.size()))))
        return fail(400, QStringLiteral("The request contains a stray CR or NUL byte."));
    switch (m_state) {
    case State::RequestLine:
        return processRequestLine(line);
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
            return fail(400, QStringLiteral("Chunk data is longer than its declared size."));
        m_state = State::ChunkSize;
        return true;
    default:
        return fail(500, QStringLiteral("parser in an impossible state"));
    }
}

bool RequestParser::processRequestLine(QByteArrayView line)
{
    const qsizetype sp1 = findByte(line, ' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : findByte(line, ' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || findByte(line, ' ', sp2 + 1) >= 0)
        return fail(400, QStringLiteral("The request line must be 'METHOD target HTTP/1.1'."));
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (!isToken(method))
        return fail(400, QStringLiteral("The request method is not a valid token."));
    if (target.isEmpty())
        return fail(400, QStringLiteral("The request target is empty."));
    for (char c : target) {
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return fail(
                400, QStringLiteral("The request target contains a character that must be percent-encoded."));
    }
    if (isNamed(version, "HTTP/1.1")) {
        m_request.versionMinor = 1;
    } else if (isNamed(version, "HTTP/1.0")) {
        m_request.versionMinor = 0;
    } else if (version.size() == 8 && version.startsWith("HTTP/") && version[6] == '.' &&
               std::isdigit(uchar(version[5])) && std::isdigit(uchar(version[7]))) {
        return fail(505, QStringLiteral("Only HTTP/1.0 and HTTP/1.1 are supported."));
    } else {
        return fail(400, QStringLiteral("The protocol version is malformed."));
    }
    static const QByteArray commonMethods[] = {QByteArrayLiteral("GET"),    QByteArrayLiteral("POST"),
                                               QByteArrayLiteral("PUT"),    QByteArrayLiteral("PATCH"),
                                               QByteArrayLiteral("DELETE"), QByteArrayLiteral("HEAD")};
    m_request.method = {};
    for (const QByteArray &known : commonMethods) {
        if (method == known) {
            m_request.method = known; // shared, no allocation
            break;
        }
    }
    if (m_request.method.isEmpty())
        m_request.method = method.toByteArray();
    m_request.target = RepeatedHeads::reuse(m_lastTarget, target);

    QByteArrayView pathPart = target;
    if (target.front() != '/') {
        if (isNamed(target, "*") && isNamed(method, "OPTIONS")) {
            pathPart = "*";
        } else if (target.startsWith("http://") || target.startsWith("https://")) {
            const qsizetype schemeEnd = target.indexOf("://") + 3;
            const qsizetype slash = target.indexOf('/', schemeEnd);
            pathPart = slash < 0 ? QByteArrayView("/") : target.sliced(slash);
        } else {
            return fail(
                400, QStringLiteral("The request target must be an absolute path such as /v1/system/info."));
        }
    }
    const qsizetype q = findByte(pathPart, '?');
    if (q >= 0) {
        m_request.query = RepeatedHeads::reuse(m_lastQuery, pathPart.sliced(q + 1));
        pathPart = pathPart.first(q);
    }
    if (pathPart.size() == target.size())
        m_request.path = m_request.target; // shares the target's bytes
    else
        m_request.path = RepeatedHeads::reuse(m_lastPath, pathPart);
    // The path stays percent-encoded: the router splits it into segments first and decodes each
    // value after, so an encoded '/' (%2F) never becomes a separator.
    if (std::string_view(m_request.path.constData(), size_t(m_request.path.size())).find("%00") !=
        std::string_view::npos)
        return fail(400, QStringLiteral("The path contains an encoded NUL byte."));
    m_state = State::Headers;
    return true;
}

bool RequestParser::processHeaderLine(QByteArrayView line)
{
    m_headerBytes += line.size() + 2;
    if (++m_headerCount > m_limits.maxHeaderCount)
        return fail(
            431, QStringLiteral("The request has more than %1 header fields.").arg(m_limits.maxHeaderCount));
    if (line.front() == ' ' || line.front() == '\t')
        return fail(400, QStringLiteral("Folded header lines (obs-fold) are not accepted."));
    const auto *colonAt = static_cast<const char *>(std::memchr(line.data(), ':', size_t(line.size())));
    const qsizetype colon = colonAt ? qsizetype(colonAt - line.data()) : -1;
    const QByteArrayView rawName = line.first(std::max<qsizetype>(colon, 0));
    // A name or value that came exactly as in the connection's last head was checked then.
    const bool trailer = m_state == State::Trailers;
    const qsizetype index = trailer ? RepeatedHeads::Slots : m_request.headers.size();
    const QByteArray *name = colon > 0 ? m_repeated.repeatedName(index, rawName) : nullptr;
    if (!name && (colon <= 0 || !isToken(rawName)))
        return fail(
            400,
            QStringLiteral("A header field name is malformed (no whitespace is allowed before the colon)."));
    const QByteArrayView value = trimOws(line.sliced(colon + 1));
    const QByteArray *repeated = m_repeated.repeatedValue(index, value);
    if (!repeated) {
        for (char c : value) {
            if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f)
                return fail(400, QStringLiteral("A header field value contains a control character."));
        }
    }
    if (trailer)
        return true; // trailers are counted against the limits and otherwise ignored
    if (m_request.headers.capacity() == 0)
        m_request.headers = m_repeated.emptyList();
    m_request.headers.emplace_back(name ? *name : m_repeated.newName(index, rawName),
                                   repeated ? *repeated : m_repeated.newValue(index, value));
    return true;
}

bool RequestParser::finishHead()
{
    int hostCount = 0;
    int lengthCount = 0;
    QByteArray contentLength;
    QByteArray transferEncoding;
    QByteArray connection;
    QByteArray upgrade;
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (isNamed(name, "host")) {
            ++hostCount;
        } else if (isNamed(name, "content-length")) {
            ++lengthCount;
            contentLength = value;
        } else if (isNamed(name, "transfer-encoding")) {
            transferEncoding += transferEncoding.isEmpty() ? value : ',' + value;
        } else if (isNamed(name, "connection")) {
            connection += connection.isEmpty() ? value : ',' + value;
        } else if (isNamed(name, "upgrade")) {
            upgrade = value;
        } else if (isNamed(name, "expect")) {
            if (value.compare("100-continue", Qt::CaseInsensitive) != 0)
                return fail(417, QStringLiteral("Only 'Expect: 100-continue' is supported."));
            m_expectContinue = m_request.versionMinor == 1;
        }
    }
    if (hostCount > 1 || (m_request.versionMinor == 1 && hostCount == 0))
        return fail(400, QStringLiteral("An HTTP/1.1 request needs exactly one Host header."));
    if (lengthCount > 0 && !transferEncoding.isEmpty())
        return fail(
            400, QStringLiteral("The request has both Content-Length and Transfer-Encoding; send only one."));
    if (lengthCount > 1)
        return fail(400, QStringLiteral("The request has more than one Content-Length header."));

    if (m_request.versionMinor == 0)
        m_request.keepAlive = hasToken(connection, "keep-alive");
    else
        m_request.keepAlive = !hasToken(connection, "close");
    m_request.upgradeWebSocket =
        hasToken(connection, "upgrade") && upgrade.compare("websocket", Qt::CaseInsensitive) == 0;

    // The route's body limit is looked up only for requests that declare a body.
    const bool hasBody = !transferEncoding.isEmpty() || (lengthCount == 1 && contentLength != "0");
    m_bodyLimit = hasBody && m_bodyLimitResolver ? m_bodyLimitResolver(m_request) : m_limits.defaultMaxBody;
    m_streamingNow = m_streaming || (hasBody && m_streamingResolver && m_streamingResolver(m_request));

    return startBody(lengthCount, contentLength, transferEncoding);
}

// The body's framing: chunked, a Content-Length within the route's limit, or none.
bool RequestParser::startBody(int lengthCount, const QByteArray &contentLength,
                              const QByteArray &transferEncoding)
{
    if (!transferEncoding.isEmpty()) {
        if (m_request.versionMinor == 0)
            return fail(400, QStringLiteral("Transfer-Encoding is not allowed in an HTTP/1.0 request."));
        const QByteArray te = trimOws(transferEncoding).toByteArray().toLower();
        if (te != "chunked") {
            if (!te.endsWith("chunked") || hasToken(te.first(te.size() - 7), "chunked"))
                return fail(400, QStringLiteral("Transfer-Encoding must end with 'chunked', once."));
            return fail(501, QStringLiteral("Only the 'chunked' transfer coding is supported."));
        }
        m_chunked = true;
        m_state = State::ChunkSize;
        return true;
    }
    if (lengthCount == 1) {
        if (contentLength.isEmpty() || contentLength.size() > 18)
            return fail(400, QStringLiteral("Content-Length is not a valid number."));
        for (char c : std::as_const(contentLength)) {
            if (c < '0' || c > '9')
                return fail(400, QStringLiteral("Content-Length is not a valid number."));
        }
        const qint64 length = contentLength.toLongLong();
        if (length > m_bodyLimit)
            return fail(413, QStringLiteral("The request body is %1 bytes; this route accepts at most %2.")
                                 .arg(length)
                                 .arg(m_bodyLimit));
        if (length > 0) {
            m_declaredLength = length;
            m_remaining = length;
            if (m_streamingNow) {
                m_state = State::Body;
                return true;
            }
            if (!admitBody(length))
                return false;
            m_request.body.reserve(qsizetype(length));
            m_state = State::Body;
            return true;
        }
    }
    m_expectContinue = false;
    m_state = State::Complete;
    return true;
}

bool RequestParser::processChunkSize(QByteArrayView line)
{
    const qsizetype semi = line.indexOf(';');
    const QByteArrayView digits = semi < 0 ? line : line.first(semi);
    if (digits.isEmpty() || digits.size() > 15)
        return fail(400, QStringLiteral("A chunk size is malformed."));
    qint64 size = 0;
    for (char c : digits) {
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            return fail(400, QStringLiteral("A chunk size is malformed."));
        size = size * 16 + v;
    }
    if (size == 0) {
        m_state = State::Trailers;
        return true;
    }
    if (m_received + size > m_bodyLimit)
        return fail(413, QStringLiteral("The chunked request body exceeds this route's limit of %1 bytes.")
                             .arg(m_bodyLimit));
    if (!m_streamingNow && !admitBody(size))
        return false;
    m_remaining = size;
    m_state = State::ChunkData;
    return true;
}

} // namespace Meshdeck::Http
