#include "service.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcHost, "meshdeck.backend.host")

namespace Meshdeck {

ServiceHost::~ServiceHost()
{
    while (!m_services.empty())
        m_services.pop_back();
}

Service &ServiceHost::add(std::unique_ptr<Service> service)
{
    m_services.push_back(std::move(service));
    return *m_services.back();
}

QCoro::Task<QString> ServiceHost::startAll()
{
    for (; m_started < m_services.size(); ++m_started) {
        Service &service = *m_services[m_started];
        const QString error = co_await service.start();
        if (!error.isEmpty())
            co_return QStringLiteral("service '%1' failed to start: %2").arg(service.name(), error);
        qCDebug(lcHost) << "started" << service.name();
    }
    co_return QString();
}

QCoro::Task<void> ServiceHost::stopAll()
{
    while (m_started > 0) {
        Service &service = *m_services[--m_started];
        co_await service.stop();
        qCDebug(lcHost) << "stopped" << service.name();
    }
}

QStringList ServiceHost::names() const
{
    QStringList out;
    for (const auto &s : m_services)
        out << s->name();
    return out;
}

} // namespace Meshdeck
