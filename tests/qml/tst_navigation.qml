import QtQuick
import QtTest
import Meshdeck.Core
import Meshdeck.App

Item {
    id: root
    width: 300
    height: 600

    Component {
        id: sidebarComponent
        Sidebar {
            width: 220
            height: root.height
        }
    }

    TestCase {
        name: "Navigation"
        when: windowShown

        function cleanup() {
            Console.navigation.currentPage = "overview"
        }

        function test_ctrlNumberOpensThePageInSidebarOrder() {
            const sidebar = createTemporaryObject(sidebarComponent, root)
            waitForRendering(sidebar)
            keyClick(Qt.Key_3, Qt.ControlModifier)
            compare(Console.navigation.currentPage, "gateway")
            compare(Console.navigation.currentService, "gateway")
            keyClick(Qt.Key_9, Qt.ControlModifier)
            compare(Console.navigation.currentPage, "settings")
        }

        function test_clickingAnEntryOpensItsPage() {
            const sidebar = createTemporaryObject(sidebarComponent, root)
            waitForRendering(sidebar)
            const list = findChild(sidebar, "navigationList")
            const entry = list.itemAtIndex(Console.navigation.indexOf("localstack"))
            verify(entry)
            mouseClick(entry)
            compare(Console.navigation.currentPage, "localstack")
            compare(Console.navigation.currentTitle, "Local stack")
        }

        function test_unknownPagesAreIgnored() {
            Console.navigation.currentPage = "no-such-page"
            compare(Console.navigation.currentPage, "overview")
        }
    }
}
