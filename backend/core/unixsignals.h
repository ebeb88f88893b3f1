#pragma once

#include <QObject>

class QSocketNotifier;

namespace Meshdeck {

// Turns SIGTERM and SIGINT into a Qt signal on the main thread (self-pipe; the handler only writes).
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signal);

private:
    void onReadable();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Meshdeck
