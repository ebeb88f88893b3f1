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
    // The longest name, value or target remembered: what an idle connection keeps stays small
    // (about 13 KiB at most, where a typical head leaves some hundreds of bytes), and copying a
    // longer one costs little beside reading it.
    static constexpr qsizetype MaxKept = 256;

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

    // The last head's lower-cased name at `index` if `raw` came exactly as it did there, else
    // null. Only names that passed the parser's checks are kept: a repeated one needs none.
    const QByteArray *repeatedName(qsizetype index, QByteArrayView raw) const
    {
        return index < Slots && !raw.isEmpty() && same(m_rawNames[size_t(index)], raw)
                   ? &m_names[size_t(index)]
                   : nullptr;
    }
    // A checked name that did not repeat, lower-cased and kept for the next head.
    QByteArray newName(qsizetype index, QByteArrayView raw)
    {
        QByteArray lowered = lowerHeaderName(raw);
        if (index < Slots) {
            const bool keep = raw.size() <= MaxKept;
            m_rawNames[size_t(index)] = keep ? raw.toByteArray() : QByteArray();
            m_names[size_t(index)] = keep ? lowered : QByteArray();
        }
        return lowered;
    }

    // The last head's value at `index` if `bytes` are the same, else null. Only values that passed
    // the parser's checks are kept: a repeated one needs none.
    const QByteArray *repeatedValue(qsizetype index, QByteArrayView bytes) const
    {
        return index < Slots && !bytes.isEmpty() && same(m_values[size_t(index)], bytes)
                   ? &m_values[size_t(index)]
                   : nullptr;
    }
    // A checked value that did not repeat, kept for the next head.
    QByteArray newValue(qsizetype index, QByteArrayView bytes)
    {
        QByteArray value = bytes.toByteArray();
        if (index < Slots)
            m_values[size_t(index)] = bytes.size() <= MaxKept ? value : QByteArray();
        return value;
    }

    // `bytes` as a QByteArray: `last` shared if its bytes are the same, else a copy kept in it.
    static QByteArray reuse(QByteArray &last, QByteArrayView bytes)
    {
        if (bytes.isEmpty())
            return bytes.toByteArray();
        if (same(last, bytes))
            return last;
        QByteArray copy = bytes.toByteArray();
        last = bytes.size() <= MaxKept ? copy : QByteArray();
        return copy;
    }

private:
    static bool same(const QByteArray &kept, QByteArrayView bytes)
    {
        return kept.size() == bytes.size() &&
               (bytes.isEmpty() || std::memcmp(kept.constData(), bytes.data(), size_t(bytes.size())) == 0);
    }

    std::array<QByteArray, Slots> m_rawNames; // as they came
    std::array<QByteArray, Slots> m_names;    // lower-cased
    std::array<QByteArray, Slots> m_values;
    Headers m_lent;
};

} // namespace Meshdeck::Http
