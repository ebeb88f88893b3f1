#pragma once

#include <QHash>
#include <QObject>

#include <functional>

namespace Meshdeck::Console {

// Desktop notifications (org.freedesktop.Notifications over D-Bus) for a service going critical,
// a gateway route failing and a build failing.
// By default only while the console is in the background: in front, the page already shows it.
// At most one notification per service (or route) every 30 seconds, so a flapping one cannot flood.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 CooldownMs = 30'000;
    using StateSource = std::function<Qt::ApplicationState()>;
    using Sink = std::function<bool(const QString &summary, const QString &body)>;

    explicit DesktopNotifier(QObject *parent = nullptr);

    // "background" (default), "always" or "off".
    void setPolicy(const QString &policy) { m_policy = policy; }
    void setStateSource(StateSource source) { m_state = std::move(source); }
    void setSink(Sink sink) { m_sink = std::move(sink); }

    // Returns whether a notification went out.
    bool serviceCritical(const QString &service, const QString &endpoint, const QString &reason);
    // A gateway route whose error rate crossed the alert threshold over the last minute.
    bool routeFailing(const QString &route, double errorPercent, int requests);
    // A site's build failed (once per deployment).
    bool buildFailed(const QString &siteName, const QString &deploymentId, const QString &reason);

    // The real sink: a Notify call on the session bus; false when no notification server answers.
    static bool sendOverDBus(const QString &summary, const QString &body);

private:
    bool notify(const QString &key, const QString &summary, const QString &body);

    QString m_policy = QStringLiteral("background");
    StateSource m_state;
    Sink m_sink;
    QHash<QString, qint64> m_lastShown; // service or "route:" name -> when (ms since epoch)
};

} // namespace Meshdeck::Console
