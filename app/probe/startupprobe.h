#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QQuickWindow;

namespace Meshdeck::Console {

class Console;

// For tests and the cold-start benchmark: once the console is connected and Overview shows the
// backend, saves a screenshot, prints one JSON line (timings, RSS, state, page title) and quits.
// Exits non-zero when it is not connected within the timeout.
class StartupProbe : public QObject
{
    Q_OBJECT
public:
    StartupProbe(Console *console, QQuickWindow *window, QString screenshotPath, int timeoutMs,
                 const QElapsedTimer &sinceLaunch, QString waitText = {}, QObject *parent = nullptr);

private:
    void check();
    void finish(bool ok, const QString &reason);

    Console *m_console;
    QPointer<QQuickWindow> m_window;
    QString m_path;
    QString m_waitText;
    QTimer m_timeout;
    const QElapsedTimer &m_sinceLaunch;
    qint64 m_firstFrameMs = -1;
    qint64 m_connectedMs = -1;
    bool m_settled = false;
    bool m_done = false;
};

} // namespace Meshdeck::Console
