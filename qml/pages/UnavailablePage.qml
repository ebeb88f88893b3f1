import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Theme

// A page whose backend service does not exist yet says so, and shows nothing invented.
ColumnLayout {
    id: page
    property string pageTitle
    property string service

    objectName: "unavailablePage"
    spacing: Theme.spacing

    PageHeader {
        Layout.margins: Theme.spacing * 2
        title: page.pageTitle
    }
    Card {
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2

        Label {
            text: qsTr("This backend has no %1 service yet, so there is nothing to show here. The page will fill in "
                       + "when meshdeckd provides it.").arg(page.service)
            color: Theme.mutedText
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
    }
    Item {
        Layout.fillHeight: true
    }
}
