#include "desktopnotifier.h"

#include <QDateTime>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QGuiApplication>
#include <QLocale>
#include <QLoggingCategory>
#include <QVariantMap>

Q_LOGGING_CATEGORY(lcNotify, "meshdeck.console.notify")

namespace Meshdeck::Console {

DesktopNotifier::DesktopNotifier(QObject *parent)
    : QObject(parent)
    , m_state([] { return QGuiApplication::applicationState(); })
    , m_sink(&DesktopNotifier::sendOverDBus)
{}

bool DesktopNotifier::serviceCritical(const QString &service, const QString &endpoint, const QString &reason)
{
    return notify(service, tr("%1 is critical").arg(service), tr("Instance %1: %2").arg(endpoint, reason));
}

bool DesktopNotifier::routeFailing(const QString &route, double errorPercent, int requests)
{
    return notify(QStringLiteral("route:") + route, tr("Gateway route %1 is failing").arg(route),
                  tr("%1 % of its last %n requests failed (the last minute).", nullptr, requests)
                      .arg(QLocale().toString(errorPercent, 'f', 1)));
}

bool DesktopNotifier::buildFailed(const QString &siteName, const QString &deploymentId, const QString &reason)
{
    return notify(QStringLiteral("build:") + deploymentId, tr("A build of %1 failed").arg(siteName),
                  tr("Deployment %1: %2").arg(deploymentId, reason));
}

bool DesktopNotifier::notify(const QString &key, const QString &summary, const QString &body)
{
    if (m_policy == QLatin1String("off"))
        return false;
    if (m_policy != QLatin1String("always") && m_state() == Qt::ApplicationActive)
        return false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto last = m_lastShown.constFind(key);
    if (last != m_lastShown.cend() && now - *last < CooldownMs)
        return false;
    if (!m_sink(summary, body))
        return false;
    m_lastShown.insert(key, now);
    return true;
}

bool DesktopNotifier::sendOverDBus(const QString &summary, const QString &body)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        qCInfo(lcNotify) << "no session bus; not notifying:" << summary;
        return false;
    }
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("/org/freedesktop/Notifications"),
        QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("Notify"));
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(uchar(2))); // critical
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("meshdeck"));
    call << QStringLiteral("Meshdeck") << uint(0) << QStringLiteral("dialog-warning") << summary << body
         << QStringList() << hints << int(-1);
    // Asynchronous: a slow notification daemon must not stall the console.
    return bus.send(call);
}

} // namespace Meshdeck::Console
