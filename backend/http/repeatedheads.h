#pragma once

#include "headernames.h"
#include "httptypes.h"

#include <array>
#include <cstring>

namespace Meshdeck::Http {

// What a parser keeps of the last head it parsed on its keep-alive connection, so that the next
// head allocates only for what changed. A client sends the same Host, User-Agent and Accept with
// every request on a connection, and an upstream the same Server, Content-Type and Connection with
// every response (and the same Date for a second): a name or value that came exactly as the one at
// the same position in the last head is shared with it (its bytes compared, a reference counted)
// instead of copied (or lower-cased again), and the header list of the last head is cleared and
// filled again once whoever took it has let it go. Only ever equal bytes are shared, so what a
// head says never depends on the one before.
class RepeatedHeads
{
public:
    // Header values remembered by position; a head's later headers are copied as they come.
    static constexpr qsizetype Slots = 16;

    // An empty list for a new head: the last head's storage when nobody else holds it any more,
    // else a new one with room for a typical head (one allocation, not one per doubling).
    Headers emptyList()
    {
        Headers list;
        if (m_lent.isDetached()) {
            list = std::move(m_lent);
            list.clear(); // keeps the capacity
        } else {
            m_lent = Headers();
            list.reserve(12);
        }
        return list;
    }

    // The list a head was parsed into, as its parser hands it over: its storage is reused for the
    // head after next if the taker lets go of it by then.
    void lend(const Headers &list) { m_lent = list; }

    // The lower-cased name of the head's header at `index`, `raw` as it came (a token): the last
    // head's when it came the same, else lowerHeaderName()'s.
    QByteArray name(qsizetype index, QByteArrayView raw)
    {
        if (index >= Slots)
            return lowerHeaderName(raw);
        QByteArray &lastRaw = m_rawNames[size_t(index)];
        QByteArray &last = m_names[size_t(index)];
        if (lastRaw.size() != raw.size() ||
            std::memcmp(lastRaw.constData(), raw.data(), size_t(raw.size())) != 0) {
            lastRaw = raw.toByteArray();
            last = lowerHeaderName(raw);
        }
        return last;
    }

    // The value of the head's header at `index`: the last head's, if its bytes are the same.
    QByteArray value(qsizetype index, QByteArrayView bytes)
    {
        return index < Slots ? reuse(m_values[size_t(index)], bytes) : bytes.toByteArray();
    }

    // `bytes` as a QByteArray: `last` shared if its bytes are the same, else a copy kept in it.
    static QByteArray reuse(QByteArray &last, QByteArrayView bytes)
    {
        if (bytes.isEmpty())
            return bytes.toByteArray();
        if (last.size() != bytes.size() ||
            std::memcmp(last.constData(), bytes.data(), size_t(bytes.size())) != 0)
            last = bytes.toByteArray();
        return last;
    }

private:
    std::array<QByteArray, Slots> m_rawNames; // as they came
    std::array<QByteArray, Slots> m_names;    // lower-cased
    std::array<QByteArray, Slots> m_values;
    Headers m_lent;
};

} // namespace Meshdeck::Http
