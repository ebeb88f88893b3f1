pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Topics, and the live tail of the selected one: recent history, then every new event as it is
// committed. Follow mode pauses when scrolled up and counts what arrived meanwhile.
ColumnLayout {
    id: page
    readonly property EventsController events: Console.events
    property int selectedRow: -1
    // Publishing and replaying write to topics; a webhook test sends a delivery: offered only to who may.
    readonly property Permission mayWriteEvents: Permission {
        name: "events.write"
    }
    readonly property Permission mayWriteWebhooks: Permission {
        name: "webhooks.write"
    }

    objectName: "eventsPage"
    spacing: Theme.spacing

    // Shows a row of the tail in the payload inspector.
    function inspect(row: int) {
        page.selectedRow = row
        inspector.text = String(page.events.tail.valueAt(row, "json") ?? "")
    }

    // Standard keys, asked by the window (Main.qml) of the page on screen.
    Connections {
        target: Console
        function onFindRequested() {
            filterField.forceActiveFocus()
        }
        function onRefreshRequested() {
            page.events.refreshTopics()
            page.events.refreshGroupsAndWebhooks()
        }
    }
    // The event shown belongs to the topic (and the backend) it was picked from; switching to
    // another backend deselects the topic too.
    Connections {
        target: page.events
        function onSelectedTopicChanged() {
            inspector.text = ""
        }
    }

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Events")
        subtitle: page.events.selectedTopic.length > 0
                  ? qsTr("Live tail of %1").arg(page.events.selectedTopic) : qsTr("Topics and their live tails")
    }

    Label {
        objectName: "tailError"
        visible: page.events.tail.error.length > 0
        text: page.events.tail.error
        color: Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0
        spacing: Theme.spacing

        // Topics
        Rectangle {
            Layout.preferredWidth: 260
            Layout.fillHeight: true
            color: Theme.surface
            border.color: Theme.border
            radius: Theme.radius

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 8
                spacing: 4

                RowLayout {
                    Label {
                        text: qsTr("Topics")
                        font.bold: true
                        color: Theme.text
                        Layout.fillWidth: true
                    }
                    Button {
                        text: qsTr("Refresh")
                        flat: true
                        Accessible.name: qsTr("Refresh the topics")
                        onClicked: page.events.refreshTopics()
                    }
                }
                ListView {
                    id: topicList
                    objectName: "topicList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: page.events.topics
                    currentIndex: page.events.topics.indexOf(page.events.selectedTopic)
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Topics")
                    Keys.onReturnPressed: page.events.selectedTopic = String(page.events.topics.valueAt(currentIndex, "name") ?? "")
                    Keys.onEnterPressed: page.events.selectedTopic = String(page.events.topics.valueAt(currentIndex, "name") ?? "")

                    delegate: ItemDelegate {
                        id: topicEntry
                        required property int index
                        required property string name
                        required property string summary

                        width: topicList.width
                        highlighted: ListView.isCurrentItem
                        Accessible.name: qsTr("Topic %1: %2").arg(name).arg(summary)
                        onClicked: page.events.selectedTopic = name
                        background: SelectionBackground {
                            selected: topicEntry.highlighted
                            focused: topicEntry.ListView.isCurrentItem && topicList.activeFocus
                        }
                        contentItem: ColumnLayout {
                            spacing: 0
                            Label {
                                text: topicEntry.name
                                color: Theme.text
                                font.bold: topicEntry.highlighted
                            }
                            Label {
                                text: topicEntry.summary
                                color: Theme.mutedText
                                font.pixelSize: 11
                            }
                        }
                    }
                }
                ListStatus {
                    objectName: "topicsStatus"
                    Layout.fillWidth: true
                    loading: page.events.topics.loading
                    error: page.events.topics.error
                    empty: topicList.count === 0
                    emptyText: qsTr("No topics yet. Create one with POST /v1/events/topics.")
                    retryName: qsTr("Retry loading the topics")
                    onRetry: page.events.refreshTopics()
                }
            }
        }

        // The tail
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            RowLayout {
                spacing: 8
                Rectangle {
                    width: 8
                    height: 8
                    radius: 4
                    color: page.events.live ? Theme.passing : Theme.idle
                }
                Label {
                    text: page.events.live ? qsTr("Live") : qsTr("Not live")
                    color: Theme.text
                }
                TextField {
                    id: filterField
                    objectName: "tailFilter"
                    placeholderText: qsTr("Filter by type, key or text")
                    Accessible.name: qsTr("Filter the tail")
                    Accessible.description: qsTr("Text, or a field test such as data.user.id == 42")
                    Layout.fillWidth: true
                    onTextChanged: page.events.tail.filterText = text
                    // Opened from another page with a filter (the gateway's access log: a request id).
                    Component.onCompleted: text = page.events.tail.filterText
                }
                Button {
                    id: followButton
                    objectName: "followButton"
                    checkable: true
                    checked: tailView.following
                    Accessible.name: qsTr("Follow new events")
                    text: tailView.following ? qsTr("Following") : (tailView.unseen > 0 ? qsTr("%n new", "", tailView.unseen)
                                                                                         : qsTr("Paused"))
                    onClicked: {
                        tailView.following = checked
                        if (checked) {
                            tailView.unseen = 0
                            tailView.positionViewAtEnd()
                        }
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: 160
                spacing: 8

                Rectangle {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius

                    ListView {
                        id: tailView
                        objectName: "tailView"
                        property bool following: true
                        property int unseen: 0
                        property int lastCount: 0

                        anchors.fill: parent
                        anchors.margins: 6
                        clip: true
                        model: page.events.tail
                        activeFocusOnTab: true
                        keyNavigationEnabled: true
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Events of %1").arg(page.events.selectedTopic)
                        Keys.onReturnPressed: page.inspect(currentIndex)
                        Keys.onEnterPressed: page.inspect(currentIndex)
                        ScrollBar.vertical: ScrollBar {}
                        onCountChanged: {
                            if (following)
                                positionViewAtEnd()
                            else if (count > lastCount)
                                unseen += count - lastCount
                            lastCount = count
                        }
                        onMovementEnded: {
                            following = atYEnd
                            if (following)
                                unseen = 0
                            if (atYBeginning)
                                page.events.loadOlder()  // older rows on demand
                        }

                        delegate: ItemDelegate {
                            id: eventRow
                            required property int index
                            required property int offset
                            required property string time
                            required property string type
                            required property string key
                            required property string preview
                            required property string json

                            width: tailView.width
                            height: 28
                            highlighted: page.selectedRow === index
                            Accessible.name: qsTr("Event %1, %2, key %3").arg(offset).arg(type).arg(key)
                            onClicked: page.inspect(index)
                            background: SelectionBackground {
                                selected: eventRow.highlighted
                                focused: eventRow.ListView.isCurrentItem && tailView.activeFocus
                            }
                            contentItem: RowLayout {
                                spacing: 10
                                Label {
                                    text: "#" + eventRow.offset
                                    color: Theme.mutedText
                                    font.family: Theme.monospace
                                    Layout.preferredWidth: 56
                                }
                                Label {
                                    text: eventRow.time
                                    color: Theme.mutedText
                                    font.family: Theme.monospace
                                    Layout.preferredWidth: 100
                                }
                                Label {
                                    text: eventRow.type
                                    color: Theme.accent
                                    elide: Text.ElideRight
                                    Layout.preferredWidth: 170
                                }
                                Label {
                                    text: eventRow.key
                                    color: Theme.text
                                    elide: Text.ElideRight
                                    Layout.preferredWidth: 90
                                }
                                Label {
                                    text: eventRow.preview
                                    textFormat: Text.PlainText
                                    color: Theme.text
                                    font.family: Theme.monospace
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                            }
                        }
                    }
                    Label {
                        anchors.centerIn: parent
                        visible: tailView.count === 0
                        text: page.events.tail.loading ? qsTr("Loading the tail…")
                              : page.events.selectedTopic.length === 0 ? qsTr("Select a topic to tail it.")
                              : page.events.tail.filterText.length > 0 ? qsTr("No event matches the filter.")
                              : qsTr("Waiting for events on %1…").arg(page.events.selectedTopic)
                        color: Theme.mutedText
                    }
                }

                // Payload inspector, shown for the selected event
                Rectangle {
                    visible: inspector.text.length > 0
                    Layout.preferredWidth: 340
                    Layout.fillHeight: true
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius

                    ColumnLayout {
                        anchors.fill: parent
                        anchors.margins: 8
                        RowLayout {
                            Label {
                                text: qsTr("Event")
                                font.bold: true
                                color: Theme.text
                                Layout.fillWidth: true
                            }
                            Button {
                                text: qsTr("Close")
                                flat: true
                                Accessible.name: qsTr("Close the event")
                                onClicked: {
                                    inspector.text = ""
                                    page.selectedRow = -1
                                }
                            }
                            Button {
                                text: qsTr("Copy")
                                flat: true
                                Accessible.name: qsTr("Copy the event's JSON")
                                enabled: inspector.text.length > 0
                                onClicked: {
                                    inspector.selectAll()
                                    inspector.copy()
                                    inspector.deselect()
                                }
                            }
                        }
                        ScrollView {
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            TextArea {
                                id: inspector
                                objectName: "inspector"
                                readOnly: true
                                selectByMouse: true
                                Accessible.name: qsTr("Event payload")
                                font.family: Theme.monospace
                                textFormat: TextEdit.PlainText
                                placeholderText: qsTr("Select an event to see its payload.")
                                wrapMode: TextEdit.WrapAnywhere
                            }
                        }
                    }
                }
            }

            // Publish, seek and replay, consumer groups, webhooks
            TabBar {
                id: tools
                Accessible.name: qsTr("Event tools")
                Layout.fillWidth: true
                Layout.preferredWidth: 0  // take the width there is; never widen the page
                TabButton {
                    text: qsTr("Publish")
                    Accessible.name: text
                }
                TabButton {
                    text: qsTr("Seek and replay")
                    Accessible.name: text
                }
                TabButton {
                    text: page.events.groups.error.length > 0 ? qsTr("Consumer groups (not loaded)")
                                                              : qsTr("Consumer groups (%1)").arg(page.events.groups.count)
                    Accessible.name: text
                }
                TabButton {
                    text: page.events.webhooks.error.length > 0 ? qsTr("Webhooks (not loaded)")
                                                                : qsTr("Webhooks (%1)").arg(page.events.webhooks.count)
                    Accessible.name: text
                }
            }
            StackLayout {
                currentIndex: tools.currentIndex
                clip: true
                Layout.fillWidth: true
                Layout.preferredWidth: 0  // hidden tabs must not widen the page either
                Layout.minimumHeight: 160
                Layout.maximumHeight: 160

                // Publish: one tab, the actions or why they are not offered.
                ColumnLayout {
                    Label {
                        objectName: "publishReason"
                        visible: !page.mayWriteEvents.allowed
                        text: page.mayWriteEvents.reason
                        color: Theme.mutedText
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                        Accessible.role: Accessible.StaticText
                        Accessible.name: text
                    }
                    RowLayout {
                        objectName: "publishRow"
                        visible: page.mayWriteEvents.allowed
                        spacing: 8
                        TextField {
                            id: typeField
                            placeholderText: qsTr("type, e.g. test.ping")
                            Accessible.name: qsTr("Event type")
                            Layout.preferredWidth: 180
                            Layout.alignment: Qt.AlignTop
                        }
                        TextField {
                            id: dataField
                            placeholderText: qsTr("data as JSON, e.g. {\"hello\": \"world\"}")
                            Accessible.name: qsTr("Event data as JSON")
                            onAccepted: if (publishButton.enabled) publishButton.clicked()
                            Layout.fillWidth: true
                            Layout.alignment: Qt.AlignTop
                        }
                        Button {
                            id: publishButton
                            text: qsTr("Publish test event")
                            Accessible.name: text
                            enabled: page.events.selectedTopic.length > 0
                            Layout.alignment: Qt.AlignTop
                            onClicked: page.events.publishTestEvent(typeField.text, dataField.text)
                        }
                        Label {
                            id: publishResult
                            color: Theme.mutedText
                            Layout.alignment: Qt.AlignTop
                            Connections {
                                target: page.events
                                function onPublished(ok: bool, message: string) {
                                    publishResult.text = message
                                    publishResult.color = ok ? Theme.passing : Theme.critical
                                }
                            }
                        }
                    }
                }

                ColumnLayout {
                    RowLayout {
                        spacing: 8
                        Label {
                            text: qsTr("Seek to offset")
                            color: Theme.text
                        }
                        SpinBox {
                            id: seekOffset
                            from: 0
                            to: 2147483647
                            editable: true
                            Accessible.name: qsTr("Offset to seek to")
                        }
                        Button {
                            text: qsTr("Seek")
                            Accessible.name: qsTr("Seek to the offset")
                            enabled: page.events.selectedTopic.length > 0
                            onClicked: page.events.seek(seekOffset.value)
                        }
                        Label {
                            text: qsTr("or to a time")
                            color: Theme.text
                        }
                        TextField {
                            id: seekTime
                            placeholderText: qsTr("2026-11-21 10:00")
                            Accessible.name: qsTr("Time to seek to")
                            Layout.preferredWidth: 150
                            onAccepted: if (seekTimeButton.enabled) seekTimeButton.clicked()
                        }
                        Button {
                            id: seekTimeButton
                            text: qsTr("Seek")
                            Accessible.name: qsTr("Seek to the time")
                            enabled: page.events.selectedTopic.length > 0 && seekTime.text.length > 0
                            onClicked: page.events.seekToTime(seekTime.text)
                        }
                        Label {
                            id: seekResult
                            color: Theme.critical
                            Connections {
                                target: page.events
                                function onSeekFailed(message: string) {
                                    seekResult.text = message
                                }
                            }
                        }
                    }
                    Label {
                        objectName: "replayReason"
                        visible: !page.mayWriteEvents.allowed
                        text: qsTr("Replay: %1").arg(page.mayWriteEvents.reason)
                        color: Theme.mutedText
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                        Accessible.role: Accessible.StaticText
                        Accessible.name: text
                    }
                    RowLayout {
                        objectName: "replayRow"
                        visible: page.mayWriteEvents.allowed
                        spacing: 8
                        Label {
                            text: qsTr("Replay offsets")
                            color: Theme.text
                        }
                        SpinBox {
                            id: replayFrom
                            from: 0
                            to: 2147483647
                            editable: true
                            Accessible.name: qsTr("Replay from offset")
                        }
                        Label {
                            text: qsTr("up to")
                            color: Theme.text
                        }
                        SpinBox {
                            id: replayTo
                            from: 0
                            to: 2147483647
                            editable: true
                            Accessible.name: qsTr("Replay up to offset")
                        }
                        Label {
                            text: qsTr("into")
                            color: Theme.text
                        }
                        TextField {
                            id: replayTarget
                            placeholderText: qsTr("target topic")
                            Accessible.name: qsTr("Replay into topic")
                        }
                        Button {
                            text: qsTr("Replay")
                            Accessible.name: qsTr("Replay the offsets into the topic")
                            enabled: page.events.selectedTopic.length > 0 && replayTarget.text.length > 0
                            onClicked: page.events.replay(replayFrom.value, replayTo.value, replayTarget.text)
                        }
                        Label {
                            id: replayResult
                            color: Theme.mutedText
                            Connections {
                                target: page.events
                                function onReplayed(ok: bool, message: string) {
                                    replayResult.text = message
                                    replayResult.color = ok ? Theme.passing : Theme.critical
                                }
                            }
                        }
                    }
                }

                RowLayout {
                    spacing: 8
                    ColumnLayout {
                        Layout.preferredWidth: 360
                        Layout.fillHeight: true
                        ListView {
                            id: groupList
                            objectName: "groupList"
                            clip: true
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            model: page.events.groups
                            activeFocusOnTab: true
                            keyNavigationEnabled: true
                            Accessible.role: Accessible.List
                            Accessible.name: qsTr("Consumer groups of %1").arg(page.events.selectedTopic)
                            Keys.onReturnPressed: page.events.showLag(String(page.events.groups.valueAt(currentIndex, "name") ?? ""))
                            Keys.onEnterPressed: page.events.showLag(String(page.events.groups.valueAt(currentIndex, "name") ?? ""))
                            delegate: ItemDelegate {
                                id: groupRow
                                required property string name
                                required property string summary
                                width: groupList.width
                                height: 26
                                highlighted: page.events.lag.group === name
                                Accessible.name: qsTr("Group %1: %2").arg(name).arg(summary)
                                onClicked: page.events.showLag(name)
                                background: SelectionBackground {
                                    selected: groupRow.highlighted
                                    focused: groupRow.ListView.isCurrentItem && groupList.activeFocus
                                }
                                contentItem: Label {
                                    color: Theme.text
                                    elide: Text.ElideRight
                                    text: qsTr("%1 — %2").arg(groupRow.name).arg(groupRow.summary)
                                }
                            }
                        }
                        ListStatus {
                            objectName: "groupsStatus"
                            Layout.fillWidth: true
                            loading: page.events.groups.loading
                            error: page.events.groups.error
                            empty: groupList.count === 0
                            emptyText: qsTr("No consumer group reads this topic yet.")
                            retryName: qsTr("Retry loading the consumer groups")
                            onRetry: page.events.refreshGroupsAndWebhooks()
                        }
                    }
                    LagChart {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        lag: page.events.lag
                    }
                }

                ColumnLayout {
                    ListView {
                        id: hookList
                        objectName: "webhookList"
                        clip: true
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        model: page.events.webhooks
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Webhooks of %1").arg(page.events.selectedTopic)
                        delegate: RowLayout {
                            id: hookRow
                            required property string webhookId
                            required property string url
                            required property bool active
                            required property string stateText
                            width: hookList.width
                            TapHandler {
                                onTapped: page.events.showDeliveries(hookRow.webhookId)
                            }
                            Label {
                                text: hookRow.url
                                color: hookRow.active ? Theme.text : Theme.mutedText
                                elide: Text.ElideMiddle
                                Layout.fillWidth: true
                            }
                            Label {
                                text: hookRow.stateText
                                color: hookRow.active ? Theme.passing : Theme.critical
                                elide: Text.ElideRight
                                Layout.maximumWidth: 360
                            }
                            Button {
                                text: qsTr("Deliveries")
                                flat: true
                                Accessible.name: qsTr("Show the deliveries to %1").arg(hookRow.url)
                                onClicked: page.events.showDeliveries(hookRow.webhookId)
                            }
                            Button {
                                text: qsTr("Send test")
                                visible: page.mayWriteWebhooks.allowed
                                flat: true
                                Accessible.name: qsTr("Send a test event to %1").arg(hookRow.url)
                                onClicked: page.events.sendWebhookTest(hookRow.webhookId)
                            }
                        }
                    }
                    Label {
                        objectName: "webhookTestReason"
                        visible: !page.mayWriteWebhooks.allowed && hookList.count > 0
                        text: qsTr("Test deliveries: %1").arg(page.mayWriteWebhooks.reason)
                        color: Theme.mutedText
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                        Accessible.role: Accessible.StaticText
                        Accessible.name: text
                    }
                    ListStatus {
                        objectName: "webhooksStatus"
                        Layout.fillWidth: true
                        loading: page.events.webhooks.loading
                        error: page.events.webhooks.error
                        empty: hookList.count === 0
                        emptyText: qsTr("No webhook delivers this topic. Add one with POST /v1/events/webhooks.")
                        retryName: qsTr("Retry loading the webhooks")
                        onRetry: page.events.refreshGroupsAndWebhooks()
                    }
                    ListView {
                        id: deliveryList
                        objectName: "deliveryList"
                        clip: true
                        visible: count > 0
                        Layout.fillWidth: true
                        Layout.preferredHeight: 60
                        model: page.events.deliveries
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Deliveries of the webhook")
                        delegate: Label {
                            required property bool succeeded
                            required property string summary
                            width: deliveryList.width
                            font.pixelSize: 11
                            color: succeeded ? Theme.text : Theme.critical
                            elide: Text.ElideRight
                            text: summary
                        }
                    }
                    ListStatus {
                        objectName: "deliveriesStatus"
                        Layout.fillWidth: true
                        loading: page.events.deliveries.loading
                        error: page.events.deliveries.error
                        empty: deliveryList.count === 0 && page.events.deliveries.webhookId.length > 0
                        emptyText: qsTr("This webhook has no delivery yet.")
                        retryName: qsTr("Retry loading the deliveries")
                        onRetry: page.events.showDeliveries(page.events.deliveries.webhookId)
                    }
                    Label {
                        id: hookResult
                        color: Theme.mutedText
                        Connections {
                            target: page.events
                            function onWebhookTested(ok: bool, message: string) {
                                hookResult.text = message
                                hookResult.color = ok ? Theme.passing : Theme.critical
                            }
                        }
                    }
                }
            }
        }
    }
}
