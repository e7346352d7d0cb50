package io.skiff.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.Test;

/**
 * Trees a normal git client does not make (duplicate names, a name with a slash, {@code .git},
 * a directory under the same name as a link), crafted with JGit: each is refused before anything
 * is written. And the context tar: links as links, executable bits, {@code .dockerignore}.
 */
class TreeExportTest {
  private static final TreeExport.Limits LIMITS = new TreeExport.Limits(1000, 1 << 20);

  private final InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("crafted"));

  private ObjectId blob(ObjectInserter ins, String content) throws IOException {
    return ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
  }

  private ObjectId commit(ObjectInserter ins, ObjectId tree) throws IOException {
    CommitBuilder c = new CommitBuilder();
    c.setTreeId(tree);
    PersonIdent who = new PersonIdent("t", "t@skiff.invalid");
    c.setAuthor(who);
    c.setCommitter(who);
    c.setMessage("crafted");
    ObjectId id = ins.insert(c);
    ins.flush();
    return id;
  }

  private String refusal(ObjectId commit) {
    return assertThrows(BuildFailed.class, () -> TreeExport.read(repo, commit, LIMITS)).getMessage();
  }

  @Test
  void aDirectoryUnderALinksNameIsRefused() throws IOException {
    try (ObjectInserter ins = repo.newObjectInserter()) {
      TreeFormatter sub = new TreeFormatter();
      sub.append("x", FileMode.REGULAR_FILE, blob(ins, "* * * * * root id\n"));
      TreeFormatter root = new TreeFormatter();
      root.append("Dockerfile", FileMode.REGULAR_FILE, blob(ins, "FROM scratch\n"));
      root.append("a", FileMode.SYMLINK, blob(ins, "/etc/cron.d"));
      root.append("a", FileMode.TREE, ins.insert(sub));
      assertEquals("the pushed tree has a twice", refusal(commit(ins, ins.insert(root))));
    }
  }

  @Test
  void namesThatAreNotPlainAreRefused() throws IOException {
    for (String name : new String[] {"a/../../x", "..", ".git", ".GIT", "a\\b"}) {
      try (ObjectInserter ins = repo.newObjectInserter()) {
        TreeFormatter root = new TreeFormatter();
        root.append(name, FileMode.REGULAR_FILE, blob(ins, "x"));
        assertTrue(refusal(commit(ins, ins.insert(root))).startsWith("the pushed tree has an invalid path: "), name);
      }
    }
  }

  @Test
  void theContextTarHoldsLinksAsLinksAndHonoursDockerignore() throws IOException {
    ObjectId commit;
    try (ObjectInserter ins = repo.newObjectInserter()) {
      TreeFormatter pub = new TreeFormatter();
      pub.append("index.html", FileMode.REGULAR_FILE, blob(ins, "hello\n"));
      TreeFormatter secret = new TreeFormatter();
      secret.append("key", FileMode.REGULAR_FILE, blob(ins, "k\n"));
      TreeFormatter root = new TreeFormatter();
      root.append(".dockerignore", FileMode.REGULAR_FILE, blob(ins, "# not sent\nsecret\n*.log\n!keep.log\nDockerfile\n"));
      root.append("Dockerfile", FileMode.REGULAR_FILE, blob(ins, "FROM scratch\n"));
      root.append("current", FileMode.SYMLINK, blob(ins, "public"));
      root.append("debug.log", FileMode.REGULAR_FILE, blob(ins, "x\n"));
      root.append("keep.log", FileMode.REGULAR_FILE, blob(ins, "y\n"));
      root.append("public", FileMode.TREE, ins.insert(pub));
      root.append("run.sh", FileMode.EXECUTABLE_FILE, blob(ins, "#!/bin/sh\n"));
      root.append("secret", FileMode.TREE, ins.insert(secret));
      commit = commit(ins, ins.insert(root));
    }
    TreeExport.Tree tree = TreeExport.read(repo, commit, LIMITS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tree.writeTar(out);
    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) entries.put(e.getName(), e);
    }
    assertEquals(java.util.List.of(".dockerignore", "Dockerfile", "current", "keep.log", "public/", "public/index.html", "run.sh"),
        java.util.List.copyOf(entries.keySet()));
    assertTrue(entries.get("current").isSymbolicLink());
    assertEquals("public", entries.get("current").getLinkName());
    assertEquals(0755, entries.get("run.sh").getMode() & 0777);
    assertEquals(0644, entries.get("Dockerfile").getMode() & 0777);
    assertEquals(6, entries.get("public/index.html").getSize());
  }

  @Test
  void linksAreResolvedThroughOtherLinksOnTheTreeAlone() throws IOException {
    try (ObjectInserter ins = repo.newObjectInserter()) {
      TreeFormatter sub = new TreeFormatter();
      sub.append("back", FileMode.SYMLINK, blob(ins, ".."));
      TreeFormatter root = new TreeFormatter();
      root.append("ok", FileMode.SYMLINK, blob(ins, "sub/back/sub/back/."));
      root.append("sub", FileMode.TREE, ins.insert(sub));
      TreeExport.read(repo, commit(ins, ins.insert(root)), LIMITS); // stays inside
      root = new TreeFormatter();
      root.append("loop", FileMode.SYMLINK, blob(ins, "loop/x"));
      assertEquals("symlink loop does not resolve (too many levels of symlinks)", refusal(commit(ins, ins.insert(root))));
      root = new TreeFormatter();
      root.append("esc", FileMode.SYMLINK, blob(ins, "sub/back/.."));
      root.append("sub", FileMode.TREE, ins.insert(sub));
      assertEquals("symlink esc points outside the repository (sub/back/..)", refusal(commit(ins, ins.insert(root))));
    }
  }
}
