// libFuzzer target for the upstream client's HTTP response parser. The first input byte says
// whether the request was a HEAD and seeds the random cut of the rest into reads. Every input is
// parsed twice, whole and cut, as one kept-alive connection would carry it (response after
// response, then the end of input); both parses must agree, and with a third by a new parser for
// each response (which shares nothing with the head before), and the invariants below must hold.
#include "http/headernames.h"
#include "http/responseparser.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

using namespace Meshdeck::Http;

namespace {

struct Outcome {
    int status = 0;
    QByteArray body;
    Headers headers;
    qsizetype headerCount = 0;
    int error = 0; // ResponseParser::Error
    bool keepAlive = false;
    bool operator==(const Outcome &) const = default;
};

ResponseParser::Limits limits()
{
    ResponseParser::Limits l;
    l.maxHeaderBytes = 512;
    l.maxHeaderCount = 16;
    l.maxBodyBytes = 2048;
    return l;
}

void check(bool condition)
{
    if (!condition)
        std::abort();
}

Outcome completed(ResponseParser &parser, bool head)
{
    Outcome o;
    o.status = parser.status();
    o.keepAlive = parser.keepAlive();
    // Taken, as the upstream client does: the parser fills the list again once it is let go.
    o.headers = parser.takeHeaders();
    const Headers &headers = o.headers;
    o.headerCount = headers.size();
    o.body = parser.takeBody();
    check(o.status >= 200 && o.status <= 599);
    check(o.body.size() <= limits().maxBodyBytes);
    check(o.headerCount <= limits().maxHeaderCount);
    // Whatever a head shares with the one before (RepeatedHeads) was checked like the rest.
    for (const auto &[name, value] : headers) {
        check(isToken(name) && name.toLower() == name);
        for (const char c : value)
            check(c == '\t' || (uchar(c) >= 0x20 && uchar(c) != 0x7f));
    }
    if (head || o.status == 204 || o.status == 304)
        check(o.body.isEmpty());
    return o;
}

// Parses `input` cut into reads of the lengths `cut` gives (0: the whole rest at once). `fresh`:
// a new parser for each response, which shares nothing with the last head (RepeatedHeads).
std::vector<Outcome> parse(QByteArrayView input, bool head, uint32_t seed, bool fresh = false)
{
    std::vector<Outcome> outcomes;
    std::optional<ResponseParser> kept(std::in_place, limits());
    ResponseParser &parser = *kept;
    parser.reset(head);
    qsizetype pos = 0;
    uint32_t state = seed | 1;
    while (pos < input.size()) {
        qsizetype len = input.size() - pos;
        if (seed != 0) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            len = qMin<qsizetype>(qsizetype(state % 48) + 1, len);
        }
        const qsizetype consumed = parser.feed(input.sliced(pos, len));
        check(consumed >= 0 && consumed <= len);
        pos += consumed;
        if (parser.hasError()) {
            check(parser.error() != ResponseParser::Error::None && !parser.errorReason().isEmpty());
            check(!parser.keepAlive());
            Outcome o;
            o.error = int(parser.error());
            outcomes.push_back(o);
            return outcomes;
        }
        if (parser.isComplete()) {
            outcomes.push_back(completed(parser, head));
            if (!outcomes.back().keepAlive)
                return outcomes; // the connection would be closed here
            if (fresh)
                kept.emplace(limits());
            parser.reset(head);
        } else {
            check(consumed == len); // the parser may only stop early at the end of a response
        }
    }
    if (parser.endOfInput()) {
        outcomes.push_back(completed(parser, head));
    } else if (parser.hasStarted()) {
        check(parser.state() != ResponseParser::State::Complete);
        outcomes.push_back(Outcome{-1, {}, {}, 0, 0, false}); // cut short: a reset
    }
    return outcomes;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const bool head = (data[0] & 1) != 0;
    const uint32_t seed = (uint32_t(data[0]) << 8 | data[1]) + 1;
    const QByteArrayView input(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const std::vector<Outcome> whole = parse(input, head, 0);
    const std::vector<Outcome> cut = parse(input, head, seed);
    check(whole == cut);
    check(whole == parse(input, head, 0, true));
    return 0;
}
