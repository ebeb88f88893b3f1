#pragma once

#include "tlstrust.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

namespace Meshdeck::Console {

// The console's connection to /v1/realtime: one WebSocket for every live view. It reconnects with
// backoff and resubscribes each channel from the offset after the last event it delivered, so a
// view resumes where it stopped, with no gap and no duplicate.
class RealtimeClient : public QObject
{
    Q_OBJECT
public:
    explicit RealtimeClient(QObject *parent = nullptr);
    ~RealtimeClient() override;

    void setEndpoint(const QUrl &httpBaseUrl, const QByteArray &token);
    // A refreshed access token: sent on the open connection ({"type":"auth"}) so the server keeps
    // it past the old token's expiry, and used for every later connection. After session-ended the
    // client waits for this before it connects again.
    void setToken(const QByteArray &token);
    void setTlsPolicy(const TlsPolicy &policy) { m_tls = policy; }
    // Another cluster: the offsets of this one mean nothing there.
    void forgetOffsets();
    // Leaves the attached backend at once (a switch to another cluster): the socket closes, no
    // message of the old attachment is delivered after this, and the offsets are forgotten. The
    // channels stay subscribed and are asked of the next endpoint set.
    void detach();
    QString tlsError() const { return m_tlsError; }
    // Views share one subscription per channel, counted: each subscribe() is undone by one
    // unsubscribe(), and the server is told only when the last view leaves, so one view closing does
    // not stop another. A view that asks for events the shared stream has passed (an earlier
    // fromOffset) rewinds it for every view on the channel: views must ignore offsets they hold.
    // `options` go into the subscribe message (the first view's; e.g. a chat room's "reason"), also
    // when it is sent again after a reconnect.
    void subscribe(const QString &channel, qint64 fromOffset = -1, const QJsonObject &options = {});
    void unsubscribe(const QString &channel);
    // How many views follow the channel (0: not subscribed).
    int subscribers(const QString &channel) const { return m_channels.value(channel).subscribers; }
    bool isConnected() const { return m_connected; }

Q_SIGNALS:
    void event(const QString &channel, const QJsonObject &event);
    void subscribed(const QString &channel, qint64 fromOffset, qint64 headOffset);
    void problem(const QString &channel, const QString &reason);
    // Any other message on a subscribed channel (the registry's snapshot, change and checks).
    void message(const QString &channel, const QJsonObject &message);
    void connectedChanged();
    // The open socket was closed, or did not come back on its first retry: the node may be gone.
    void lost();
    // The server ended the session behind the token (expired-token, revoked-session,
    // account-disabled): no reconnect until setToken() or setEndpoint() gives another token.
    void sessionEnded(const QString &code, const QString &reason);

private:
    void open();
    void onText(const QString &text);
    void sendSubscribe(const QString &channel);
    void sendUnsubscribe(const QString &channel);

    struct Channel {
        qint64 next = -1;            // the next offset to ask for (-1: latest)
        int subscribers = 0;         // views following it
        int unsubscribesPending = 0; // a rewind's own unsubscribes, whose answers are not news
        QJsonObject options;         // more fields of the subscribe message
    };

    QWebSocket m_socket;
    QUrl m_url;
    QByteArray m_token;
    QHash<QString, Channel> m_channels;
    QTimer m_retry;
    int m_retryMs = 0;
    bool m_connected = false;
    TlsPolicy m_tls;
    QString m_tlsError;
    int m_failedOpens = 0;
    bool m_waitingForToken = false; // after session-ended
};

} // namespace Meshdeck::Console
