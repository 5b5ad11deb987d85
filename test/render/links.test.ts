/** Message-IDs of a source and their lore addresses (the email format's Link: lines). */
import { describe, expect, it } from 'vitest';
import { loreLink, messageIds } from '../../explorer/render/links.js';
import { SEED_000, SEED_004, V2_13_16 } from '../../invariants/types.js';

describe('messageIds and loreLink', () => {
  it('finds every <id@host> once, in order, and nothing else', () => {
    expect(messageIds(`${SEED_004}; ${V2_13_16}; again ${SEED_004}; torvalds/linux mm/memfd_luo.c`)).toEqual([
      'Y+bc8OrWfw3Fq57n@Asurada-Nvidia',
      '20260427175633.1978233-14-skhawaja@google.com',
    ]);
    expect(messageIds('kernel/liveupdate/luo_file.c (unhappy path)')).toEqual([]);
  });

  it('keeps the characters lore keeps in a Message-ID and escapes the rest', () => {
    expect(loreLink(messageIds(SEED_000)[0]!)).toBe('https://lore.kernel.org/all/CAAywjhRKvZBShj7KAXew2v_uGjn3HhvO=sFrZ=bVfMJ8ye-Vyw@mail.gmail.com/');
    expect(loreLink('Y+Vh479cDD7LX2x/@Asurada-Nvidia')).toBe('https://lore.kernel.org/all/Y+Vh479cDD7LX2x%2F@Asurada-Nvidia/');
  });
});
