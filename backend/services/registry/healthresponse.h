#pragma once

#include <QByteArrayView>
#include <QString>

namespace Meshdeck::Registry {

// What an HTTP health check got back, read from untrusted bytes: the status line and the start of
// the body, as the one line of output a person reads ("HTTP 503 Service Unavailable: draining").
struct HealthResponse {
    enum class State { Incomplete, Invalid, Complete };
    State state = State::Incomplete;
    int status = 0;
    QString output;
    bool passed() const { return state == State::Complete && status >= 200 && status < 300; }
};

// `closed`: the peer closed the connection (or the read limit was reached), so no more bytes come.
HealthResponse parseHealthResponse(QByteArrayView received, bool closed);

} // namespace Meshdeck::Registry
