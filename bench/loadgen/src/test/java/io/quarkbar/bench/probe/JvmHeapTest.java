package io.quarkbar.bench.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmHeapTest {

  @Test
  void sumsTheGenerationsOfSerialOnJdk25() {
    String info =
        """
        15546:
        DefNew     total 78720K, used 120K [0x0000000080000000, 0x0000000085560000)
         eden space 70016K,   0% used [0x0000000080000000, 0x0000000080000000)
         from space 8704K,   0% used [0x0000000084460000, 0x0000000084460000)
        Tenured    total 174784K, used 3600K [0x00000000aaaa0000, 0x00000000b5550000)
         the  space 174784K,   2% used [0x00000000aaaa0000, 0x00000000aae240c8)
        Metaspace       used 20480K, committed 20736K, reserved 1114112K
        """;
    assertThat(JvmHeap.parseUsedKiB(info)).hasValue(3720);
  }

  @Test
  void readsG1sWholeHeapLine() {
    String info =
        """
         garbage-first heap   total 262144K, used 12345K [0x0000000080000000, 0x0000000100000000)
          region size 1024K, 2 young (2048K), 0 survivors (0K)
         Metaspace       used 20480K, committed 20736K, reserved 1114112K
        """;
    assertThat(JvmHeap.parseUsedKiB(info)).hasValue(12345);
  }

  @Test
  void nothingToReadIsEmpty() {
    assertThat(JvmHeap.parseUsedKiB("12: Could not attach")).isEmpty();
  }
}
