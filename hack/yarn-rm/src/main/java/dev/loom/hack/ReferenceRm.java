package dev.loom.hack;

import java.io.File;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.security.AuthenticationFilterInitializer;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler;
import org.apache.hadoop.yarn.util.resource.DefaultResourceCalculator;
import org.apache.hadoop.yarn.webapp.util.WebAppUtils;

/**
 * A real Apache Hadoop 3.4.1 ResourceManager, the reference Loom's YARN REST gateway is diffed and benchmarked
 * against. Configured as described in shared/reference/yarn-rm-observed.md ("Config behind these answers").
 *
 * <pre>ReferenceRm [--port N] [--work-dir DIR]</pre>
 *
 * Prints {@code READY http://127.0.0.1:<port> clusterTimestamp=<ts> ...} on stdout once the REST API answers (Hadoop's
 * own logging goes to stderr), then runs until SIGTERM/SIGINT.
 */
public final class ReferenceRm {
  private static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("LOOM_REFERENCE_RM_PORT", "18088"));
    File workDir = new File(System.getProperty("java.io.tmpdir"), "loom-reference-rm");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--work-dir" -> workDir = new File(args[++i]);
        default -> throw new IllegalArgumentException("usage: ReferenceRm [--port N] [--work-dir DIR]");
      }
    }
    workDir = workDir.getAbsoluteFile();
    workDir.mkdirs();
    // MiniYARNCluster puts its state under GenericTestUtils.getTestDir(), i.e. ./target/test/data unless this is set.
    System.setProperty("test.build.data", new File(workDir, "test-data").getPath());

    // 0 NodeManagers: in one JVM their web apps take over the RM port's routing (/ws/v1/cluster/* answers 404).
    MiniYARNCluster cluster = new MiniYARNCluster("reference-rm", 1, 0, 1, 1);
    // Registered first so that a SIGTERM during start-up also releases the ports. The JVM runs it on SIGTERM/SIGINT
    // and on System.exit, then exits even though Hadoop's non-daemon threads are still there.
    File finalWorkDir = workDir;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.stop();
      // Only what this class put there: --work-dir may be a directory the caller cares about.
      for (String created : new String[] {"test-data", "tmp", "http-auth-signature-secret"}) {
        FileUtil.fullyDelete(new File(finalWorkDir, created));
      }
      finalWorkDir.delete(); // only if now empty
      System.err.println("reference RM stopped");
    }, "reference-rm-shutdown"));
    try {
      cluster.init(configuration(port, workDir));
      cluster.start();
    } catch (Throwable t) {
      // Without the exit, Hadoop's non-daemon threads would keep a half-started JVM alive forever.
      t.printStackTrace();
      System.exit(1);
    }

    ResourceManager rm = cluster.getResourceManager();
    var conf = rm.getConfig(); // holds the ports really bound (0 means "any free one" below)
    String web = WebAppUtils.getRMWebAppURLWithoutScheme(conf);
    System.out.printf(
        "READY http://%s clusterTimestamp=%d rpc=%s scheduler=%s tracker=%s admin=%s%n",
        web,
        ResourceManager.getClusterTimeStamp(),
        conf.get(YarnConfiguration.RM_ADDRESS),
        conf.get(YarnConfiguration.RM_SCHEDULER_ADDRESS),
        conf.get(YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS),
        conf.get(YarnConfiguration.RM_ADMIN_ADDRESS));
    System.out.flush();
    // Park main until a signal: the shutdown hook then stops the cluster and the JVM exits.
    Thread.currentThread().join();
  }

  private static YarnConfiguration configuration(int webPort, File workDir) throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    conf.set("hadoop.tmp.dir", new File(workDir, "tmp").getPath()); // start.sh points java.io.tmpdir here too

    // Loopback only. Without fixed ports MiniYARNCluster rewrites every address to localhost:0 (our web port
    // included); with them it keeps ours. Port 0 = any free port, bound by the server itself (no race); the RM
    // writes the real port back into its configuration. bind-host pins the listening address for all of them.
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
    conf.set(YarnConfiguration.RM_BIND_HOST, LOOPBACK);
    conf.set(YarnConfiguration.RM_WEBAPP_ADDRESS, LOOPBACK + ":" + webPort);
    conf.set(YarnConfiguration.RM_WEBAPP_HTTPS_ADDRESS, LOOPBACK + ":0"); // unused under HTTP_ONLY, but never 0.0.0.0
    conf.set(YarnConfiguration.RM_ADDRESS, LOOPBACK + ":0");
    conf.set(YarnConfiguration.RM_SCHEDULER_ADDRESS, LOOPBACK + ":0");
    conf.set(YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, LOOPBACK + ":0");
    conf.set(YarnConfiguration.RM_ADMIN_ADDRESS, LOOPBACK + ":0");
    conf.setBoolean(YarnConfiguration.TIMELINE_SERVICE_ENABLED, false); // would start another server

    // Simple HTTP auth, anonymous allowed: ?user.name=X authenticates as X and sets hadoop.auth="u=X&p=X&t=simple&...";
    // no user.name = no principal, so writes answer 401 and reads are unredacted. Hadoop's own default
    // (StaticUserWebFilter, which RMWebAppUtil turns into RMAuthenticationFilter + StaticUserWebFilter) differs:
    // anonymous callers become "dr.who" (new-application answers 200) and the cookie says t=simple-dt.
    conf.set("hadoop.http.filter.initializers", AuthenticationFilterInitializer.class.getName());
    conf.set("hadoop.http.authentication.type", "simple");
    conf.setBoolean("hadoop.http.authentication.simple.anonymous.allowed", true);
    // The cookie's signing secret; otherwise read from ~/hadoop-http-auth-signature-secret (random when absent).
    File secret = new File(workDir, "http-auth-signature-secret");
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    Files.writeString(secret.toPath(), HexFormat.of().formatHex(random));
    conf.set("hadoop.http.authentication.signature.secret.file", secret.getPath());

    conf.setBoolean("yarn.acl.enable", true);
    conf.set("yarn.admin.acl", "admin");
    conf.setInt("yarn.cluster.max-application-priority", 10);

    // CapacityScheduler. Every key is set here because hadoop-yarn-server-tests' jar carries a capacity-scheduler.xml
    // (one queue, acl_administer_queue=*) that would otherwise fill the gaps; values set here win over it.
    String cs = "yarn.scheduler.capacity.";
    conf.set(YarnConfiguration.RM_SCHEDULER, CapacityScheduler.class.getName());
    conf.setInt(cs + "maximum-applications", 10000);
    conf.setFloat(cs + "maximum-am-resource-percent", 0.1f);
    conf.set(cs + "resource-calculator", DefaultResourceCalculator.class.getName());
    conf.setInt(cs + "node-locality-delay", 40); // the stock capacity-scheduler.xml value (the test file says -1)
    conf.set(cs + "root.queues", "default,spark,flink");
    conf.set(cs + "root.acl_administer_queue", "admin");
    conf.set(cs + "root.acl_submit_applications", "*");
    String[][] leaves = {{"default", "40"}, {"spark", "40"}, {"flink", "20"}};
    for (String[] leaf : leaves) {
      String q = cs + "root." + leaf[0] + ".";
      conf.set(q + "capacity", leaf[1]);
      conf.set(q + "maximum-capacity", "100");
      conf.set(q + "user-limit-factor", "1");
      conf.set(q + "state", "RUNNING");
      // " " = nobody, so the root's ACLs decide (queue ACLs are the union along the path).
      conf.set(q + "acl_administer_queue", " ");
      conf.set(q + "acl_submit_applications", " ");
    }
    // root.default holds 20000 unfinished apps (10000 × 40 % = 4000 by default), so bench/gateway can store 10,000
    // apps there; deploy/queues/local.yaml gives Loom's default queue the same maxApplications.
    conf.setInt(cs + "root.default.maximum-applications", 20000);
    return conf;
  }
}
