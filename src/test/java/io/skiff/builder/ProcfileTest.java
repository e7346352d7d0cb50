package io.skiff.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Procfile parsing: {@code type: command} per line, blank lines and comments skipped. */
class ProcfileTest {
  @Test
  void typesInOrderWithCommandsTrimmed() {
    Map<String, String> types = Procfile.parse("# a comment\r\nweb: exec httpd -p $PORT  \n\n  worker:python worker.py --queue=a:b\nclock_1: sleep 1");
    assertEquals(List.of("web", "worker", "clock_1"), List.copyOf(types.keySet()));
    assertEquals("exec httpd -p $PORT", types.get("web"));
    assertEquals("python worker.py --queue=a:b", types.get("worker"));
    assertEquals("sleep 1", types.get("clock_1"));
  }

  @Test
  void emptyOrCommentsOnlyDeclaresNothing() {
    assertEquals(Map.of(), Procfile.parse(""));
    assertEquals(Map.of(), Procfile.parse("\n# nothing\n   \n"));
  }

  @Test
  void aLineThatIsNotTypeColonCommandIsNamed() {
    Procfile.Invalid e = assertThrows(Procfile.Invalid.class, () -> Procfile.parse("web: ok\n\nworker python w.py\n"));
    assertEquals("Procfile line 3 is not 'type: command': worker python w.py", e.getMessage());
    assertEquals("Procfile line 1 is not 'type: command': web:", assertThrows(Procfile.Invalid.class, () -> Procfile.parse("web:")).getMessage());
    assertEquals("Procfile line 1 is not 'type: command': web app: run",
        assertThrows(Procfile.Invalid.class, () -> Procfile.parse("web app: run")).getMessage());
    String longLine = "x".repeat(100);
    assertEquals("Procfile line 2 is not 'type: command': " + "x".repeat(60) + "...",
        assertThrows(Procfile.Invalid.class, () -> Procfile.parse("web: a\n" + longLine)).getMessage());
  }

  @Test
  void aTypeDeclaredTwiceIsNamed() {
    assertEquals("Procfile line 2 declares process type web twice",
        assertThrows(Procfile.Invalid.class, () -> Procfile.parse("web: a\r\nweb: b")).getMessage());
  }
}
