#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

class QTcpSocket;

namespace Meshdeck::Registry {

// One active check: connect (TCP), or connect and GET a path (HTTP, Connection: close), within a
// timeout. Asynchronous on the calling thread's event loop; deletes itself after reporting.
class HealthProbe : public QObject
{
    Q_OBJECT
public:
    struct Result {
        bool ok = false;
        int latencyMs = 0;
        QString output; // what a person reads: "HTTP 200 OK: ok", "connection refused", …
    };
    using Callback = std::function<void(const Result &)>;

    // path empty: a TCP check. The callback runs exactly once, on this thread.
    static void start(const QString &address, int port, const QString &path, int timeoutMs, Callback done,
                      QObject *parent);

private:
    HealthProbe(const QString &address, int port, const QString &path, int timeoutMs, Callback done,
                QObject *parent);
    void onConnected();
    void onReadyRead();
    void finish(bool ok, const QString &output);
    bool parseResponse(bool complete);

    QTcpSocket *m_socket;
    QString m_address;
    QString m_path;
    Callback m_done;
    QTimer m_timeout;
    QElapsedTimer m_elapsed;
    QByteArray m_received;
    bool m_finished = false;
};

} // namespace Meshdeck::Registry
