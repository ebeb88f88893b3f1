#pragma once

#include <QObject>

class QSocketNotifier;

namespace Meshdeck {

// Turns SIGTERM and SIGINT (and SIGHUP, once asked to) into Qt signals on the main thread
// (self-pipe; the handler only writes).
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;
    // SIGHUP then emits hangup() instead of ending the process (its default).
    void watchHangup();

Q_SIGNALS:
    void terminationRequested(int signal);
    void hangup();

private:
    void onReadable();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Meshdeck
