#include "redisqtadapter.h"

#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace Meshdeck::Cluster {

namespace {

struct Adapter {
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;
};

Adapter *adapterOf(void *data)
{
    return static_cast<Adapter *>(data);
}

void addRead(void *data)
{
    adapterOf(data)->read->setEnabled(true);
}

void delRead(void *data)
{
    adapterOf(data)->read->setEnabled(false);
}

void addWrite(void *data)
{
    adapterOf(data)->write->setEnabled(true);
}

void delWrite(void *data)
{
    adapterOf(data)->write->setEnabled(false);
}

// hiredis frees the context from inside redisAsyncHandleRead/Write, that is, from inside a
// notifier's activated signal: the notifiers are disabled now (so no activation is pending for a
// freed context) and deleted once control is back in the event loop.
void cleanup(void *data)
{
    Adapter *adapter = adapterOf(data);
    for (QSocketNotifier *notifier : {adapter->read, adapter->write}) {
        notifier->setEnabled(false);
        QObject::disconnect(notifier, nullptr, nullptr, nullptr);
        notifier->deleteLater();
    }
    delete adapter;
}

} // namespace

bool attachToQtEventLoop(redisAsyncContext *context)
{
    if (context->ev.data != nullptr)
        return false;
    auto *adapter = new Adapter;
    adapter->read = new QSocketNotifier(context->c.fd, QSocketNotifier::Read);
    adapter->write = new QSocketNotifier(context->c.fd, QSocketNotifier::Write);
    adapter->read->setEnabled(false);
    adapter->write->setEnabled(false);
    QObject::connect(adapter->read, &QSocketNotifier::activated, adapter->read,
                     [context] { redisAsyncHandleRead(context); });
    QObject::connect(adapter->write, &QSocketNotifier::activated, adapter->write,
                     [context] { redisAsyncHandleWrite(context); });
    context->ev.data = adapter;
    context->ev.addRead = addRead;
    context->ev.delRead = delRead;
    context->ev.addWrite = addWrite;
    context->ev.delWrite = delWrite;
    context->ev.cleanup = cleanup;
    return true;
}

} // namespace Meshdeck::Cluster
