#include "clock.h"

#include <QDateTime>

namespace Meshdeck {

namespace {
class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};
} // namespace

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

const Clock &Clock::system()
{
    static const SystemClock clock;
    return clock;
}

} // namespace Meshdeck
