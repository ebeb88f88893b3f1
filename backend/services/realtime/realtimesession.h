#pragma once

#include "platform/channel.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QWebSocket;

namespace Meshdeck::Realtime {

class RealtimeService;

// One client connection to /v1/realtime, living on the connection's event-loop thread.
// Protocol (JSON text messages):
//   client: {"type":"auth","token":…} {"type":"subscribe","channel":…,"fromOffset":n}
//           {"type":"unsubscribe","channel":…} {"type":"ping"}
//   server: {"type":"welcome","authenticated":b} {"type":"authenticated"} {"type":"subscribed",…}
//           {"type":"event","channel":…,"event":{…}} {"type":"unsubscribed",…} {"type":"pong"}
//           {"type":"error","reason":…} {"type":"overflow","reason":…} (then the server closes)
// A session holds one of the service's places (RealtimeService::accept takes it); it gives it
// back when it is destroyed with its socket.
class RealtimeSession : public QObject
{
    Q_OBJECT
public:
    RealtimeSession(QWebSocket *socket, bool authenticated, RealtimeService *service);
    ~RealtimeSession() override;

    Q_INVOKABLE void drainMailbox();

private:
    void onMessage(const QString &text);
    void subscribe(const QJsonObject &message);
    void unsubscribe(const QString &channel);
    void send(const QJsonObject &message);
    void fail(const QString &reason, int closeCode, const QString &type = QStringLiteral("error"));
    void closeAll();

    QPointer<QWebSocket> m_socket;
    RealtimeService *m_service;
    std::shared_ptr<Mailbox> m_mailbox;
    QHash<QString, SubscriptionPtr> m_subscriptions;
    QTimer m_authTimer;
    QTimer m_pingTimer;
    QElapsedTimer m_sincePong;
    bool m_authenticated;
    bool m_closing = false;
};

} // namespace Meshdeck::Realtime
