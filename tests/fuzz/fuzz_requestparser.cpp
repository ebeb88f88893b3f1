// libFuzzer target for the HTTP request parser. The first input byte chooses how the rest is cut
// into reads, so the incremental paths (a limit crossed mid-read, CRLF split across reads) are
// explored too. Invariants that must hold for any input abort the run when broken; every request
// taken or refused is read again by a new parser, which must read or refuse it the same way, and
// the header lines the gateway would send upstream for a request taken must be header lines only.
#include "http/headernames.h"
#include "http/requestparser.h"
#include "services/gateway/proxyheaders.h"
#include "services/gateway/trustedproxies.h"

#include <cstdint>
#include <cstdlib>

using namespace Meshdeck::Http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    Limits limits;
    limits.maxRequestLine = 256;
    limits.maxHeaderBytes = 1024;
    limits.maxHeaderCount = 16;
    limits.defaultMaxBody = 4096;
    RequestParser parser(limits);
    // A small in-flight body budget, never given back during one input, so refusals are explored.
    qint64 bodyBudget = 6000;
    parser.setBodyAdmission([&bodyBudget](qint64 bytes) {
        if (bytes <= 0 || bytes > bodyBudget)
            return bytes <= 0;
        bodyBudget -= bytes;
        return true;
    });
    const size_t step = size_t(data[0] % 16) + 1;
    const QByteArrayView input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    qsizetype pos = 0;
    qsizetype start = 0; // where the request being parsed began
    int requests = 0;
    while (pos < input.size()) {
        const qsizetype len = qMin<qsizetype>(qsizetype(step), input.size() - pos);
        const qsizetype consumed = parser.feed(input.sliced(pos, len));
        if (consumed < 0 || consumed > len)
            std::abort();
        pos += consumed;
        if (parser.hasError()) {
            switch (parser.errorStatus()) {
            case 400:
            case 413:
            case 414:
            case 417:
            case 431:
            case 501:
            case 503:
            case 505:
                break;
            default:
                std::abort();
            }
            if (parser.errorReason().isEmpty())
                std::abort();
            // A new parser refuses the same bytes the same way (but for a 503: the body budget
            // is what earlier requests left of it).
            if (parser.errorStatus() != 503) {
                RequestParser fresh(limits);
                fresh.feed(input.sliced(start, pos - start));
                if (!fresh.hasError() || fresh.errorStatus() != parser.errorStatus())
                    std::abort();
            }
            break; // the connection would be closed here
        }
        if (parser.isComplete()) {
            const Request r = parser.takeRequest();
            if (r.body.size() > limits.defaultMaxBody || r.path.contains('\0') || r.method.isEmpty())
                std::abort();
            if (r.headers.size() > limits.maxHeaderCount)
                std::abort();
            // Whatever a head shares with the one before (RepeatedHeads) was checked like the rest.
            for (const auto &[name, value] : r.headers) {
                if (!isToken(name) || name.toLower() != name)
                    std::abort();
                for (const char c : value) {
                    if (c != '\t' && (uchar(c) < 0x20 || uchar(c) == 0x7f))
                        std::abort();
                }
            }
            // A new parser, which shares nothing with the head before (RepeatedHeads), reads the
            // same request the same way.
            RequestParser fresh(limits);
            fresh.feed(input.sliced(start, pos - start));
            if (!fresh.isComplete())
                std::abort();
            const Request again = fresh.takeRequest();
            if (again.method != r.method || again.target != r.target || again.path != r.path ||
                again.query != r.query || again.headers != r.headers || again.body != r.body)
                std::abort();
            // The header lines the gateway sends upstream for it are framed as header lines, from
            // a direct client and from a trusted proxy alike (the client's X-Request-Id taken as it
            // is, which is more than the engine takes).
            Request forwarded = r;
            forwarded.peer = requests % 2 ? "2001:db8::7" : "192.0.2.7";
            forwarded.requestId = r.header("x-request-id");
            if (forwarded.requestId.isEmpty())
                forwarded.requestId = "req-1";
            static const Meshdeck::Gateway::TrustedProxies everyone = [] {
                QString error;
                return *Meshdeck::Gateway::TrustedProxies::parse(QStringLiteral("0.0.0.0/0, ::/0"), &error);
            }();
            for (const auto *trusted :
                 {static_cast<const Meshdeck::Gateway::TrustedProxies *>(nullptr), &everyone}) {
                if (!wellFramedHeaderLines(Meshdeck::Gateway::ProxyHeaders::upstreamHeaderLines(
                        forwarded, requests % 3 == 0, requests % 2 ? "https" : "http", trusted)))
                    std::abort();
            }
            start = pos;
            ++requests;
        } else if (consumed < len) {
            std::abort(); // the parser may only stop early at the end of a request
        }
    }
    return 0;
}
