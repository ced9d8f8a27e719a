// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config space a vfio-pci user sees: the same as the host's except for
 * the virtualized fields; BARs that size like real ones but never move the
 * device; capabilities the user may walk; and accesses of any alignment
 * and size that never touch more than they cover.
 */
#include "kselftest_harness.h"
#include "vfio_pci_util.h"

FIXTURE(config) {
	struct vpt_binding binding;
	struct vpt_device dev;
	uint32_t cfg_size;
};

FIXTURE_VARIANT(config) {
	const char *name;
};

FIXTURE_VARIANT_ADD(config, edu) { .name = "EDU" };
FIXTURE_VARIANT_ADD(config, e1000e) { .name = "E1000E" };
FIXTURE_VARIANT_ADD(config, nvme) { .name = "NVME" };

FIXTURE_SETUP(config)
{
	struct vpt_region r;
	char why[160];
	int ret;

	ret = vpt_setup_device(variant->name, &self->dev, &self->binding, why,
			       sizeof(why));
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	ASSERT_EQ(0, vpt_region_info(self->dev.fd,
				     VFIO_PCI_CONFIG_REGION_INDEX, &r));
	self->cfg_size = r.info.size;
}

FIXTURE_TEARDOWN(config)
{
	vpt_close(&self->dev);
	vpt_unbind(&self->binding);
}

/* Bytes of the header the user may see differently from the host. */
static bool header_byte_virtual(unsigned int pos)
{
	return pos == PCI_STATUS || pos == PCI_STATUS + 1 ||	/* live bits */
	       pos == PCI_COMMAND + 1 ||	/* INTx disable */
	       pos == PCI_INTERRUPT_PIN;	/* hidden INTx */
}

TEST_F(config, header_matches_sysfs)
{
	uint8_t vfio[PCI_STD_HEADER_SIZEOF], host[PCI_STD_HEADER_SIZEOF];
	unsigned int pos;

	ASSERT_EQ(0, vpt_cfg_read(&self->dev, 0, vfio, sizeof(vfio)));
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, host, sizeof(host), 0));

	for (pos = 0; pos < sizeof(vfio); pos++) {
		if (header_byte_virtual(pos))
			continue;
		EXPECT_EQ(host[pos], vfio[pos]) TH_LOG("config byte %#x", pos);
	}
	/* The pin is the host's, or zero where INTx is hidden. */
	EXPECT_TRUE(!vfio[PCI_INTERRUPT_PIN] ||
		    vfio[PCI_INTERRUPT_PIN] == host[PCI_INTERRUPT_PIN]);
}

/* The standard capabilities the user is shown when the device has them. */
static bool cap_shown(uint8_t id)
{
	switch (id) {
	case PCI_CAP_ID_PM:
	case PCI_CAP_ID_AGP:
	case PCI_CAP_ID_VPD:
	case PCI_CAP_ID_MSI:
	case PCI_CAP_ID_PCIX:
	case PCI_CAP_ID_HT:
	case PCI_CAP_ID_VNDR:
	case PCI_CAP_ID_EXP:
	case PCI_CAP_ID_MSIX:
	case PCI_CAP_ID_SATA:
	case PCI_CAP_ID_AF:
		return true;
	}
	return false;
}

/* The extended ones, where a hidden one is not the first */
static bool ecap_shown(uint16_t id)
{
	switch (id) {
	case PCI_EXT_CAP_ID_ERR:
	case PCI_EXT_CAP_ID_VC:
	case PCI_EXT_CAP_ID_DSN:
	case PCI_EXT_CAP_ID_PWR:
	case PCI_EXT_CAP_ID_MFVC:
	case PCI_EXT_CAP_ID_VC9:
	case PCI_EXT_CAP_ID_VNDR:
	case PCI_EXT_CAP_ID_ACS:
	case PCI_EXT_CAP_ID_ARI:
	case PCI_EXT_CAP_ID_ATS:
	case PCI_EXT_CAP_ID_SRIOV:
	case PCI_EXT_CAP_ID_MCAST:
	case PCI_EXT_CAP_ID_PRI:
	case PCI_EXT_CAP_ID_REBAR:
	case PCI_EXT_CAP_ID_DPA:
	case PCI_EXT_CAP_ID_TPH:
	case PCI_EXT_CAP_ID_LTR:
	case PCI_EXT_CAP_ID_DVSEC:
		return true;
	}
	return false;
}

TEST_F(config, capability_list)
{
	uint8_t host[4096], pos, vpos;
	int loops = 48, shown = 0;

	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, host, 256, 0));
	if (!(host[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		SKIP(return, "no capabilities");

	/* The user's list is the host's, minus the hidden capabilities. */
	vpos = (vpt_cfg_read16(&self->dev, PCI_STATUS) & PCI_STATUS_CAP_LIST) ?
	       vpt_cfg_read8(&self->dev, PCI_CAPABILITY_LIST) : 0;
	for (pos = host[PCI_CAPABILITY_LIST]; pos && loops--;
	     pos = host[pos + PCI_CAP_LIST_NEXT]) {
		if (!cap_shown(host[pos]))
			continue;
		EXPECT_EQ(pos, vpos) TH_LOG("capability %#x", host[pos]);
		if (pos != vpos)
			return;
		/* Same ID; its body reads as the host's (bar the header) */
		EXPECT_EQ(host[pos], vpt_cfg_read8(&self->dev, pos));
		vpos = vpt_cfg_read8(&self->dev, pos + PCI_CAP_LIST_NEXT);
		shown++;
	}
	EXPECT_EQ(0, vpos);
	EXPECT_LT(0, shown);
}

TEST_F(config, extended_capability_list)
{
	uint32_t host[1024], vhdr, hdr;
	unsigned int pos, vpos;
	int loops = 960;

	if (self->cfg_size <= 256)
		SKIP(return, "no extended config space");
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, host, 4096, 0));
	if (!host[256 / 4] || host[256 / 4] == ~0U)
		SKIP(return, "no extended capabilities");

	vhdr = vpt_cfg_read32(&self->dev, 256);
	vpos = 256;
	for (pos = 256; pos >= 256 && loops--; pos = PCI_EXT_CAP_NEXT(hdr)) {
		hdr = host[pos / 4];
		if (!ecap_shown(PCI_EXT_CAP_ID(hdr)))
			continue;
		/* A hidden first capability reads as ID 0 and links on. */
		while (vpos && PCI_EXT_CAP_ID(vhdr) == 0 && vpos != pos) {
			vpos = PCI_EXT_CAP_NEXT(vhdr);
			vhdr = vpt_cfg_read32(&self->dev, vpos);
		}
		EXPECT_EQ(pos, vpos) TH_LOG("capability %#x",
					    PCI_EXT_CAP_ID(hdr));
		if (pos != vpos)
			return;
		EXPECT_EQ(PCI_EXT_CAP_ID(hdr), PCI_EXT_CAP_ID(vhdr));
		vpos = PCI_EXT_CAP_NEXT(vhdr);
		if (vpos)
			vhdr = vpt_cfg_read32(&self->dev, vpos);
	}
	EXPECT_EQ(0, vpos);
}

TEST_F(config, pm_hides_pme)
{
	uint16_t host_pmc;
	int pm;

	pm = vpt_find_cap(&self->dev, PCI_CAP_ID_PM);
	if (!pm)
		SKIP(return, "no power management capability");
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &host_pmc, 2,
				      pm + PCI_PM_PMC));
	/* PME can reach the host only: the user sees no PME support. */
	EXPECT_EQ(0, vpt_cfg_read16(&self->dev, pm + PCI_PM_PMC) &
		     PCI_PM_CAP_PME_MASK);
	EXPECT_EQ(host_pmc & ~PCI_PM_CAP_PME_MASK,
		  vpt_cfg_read16(&self->dev, pm + PCI_PM_PMC));
}

TEST_F(config, bar_sizing)
{
	uint64_t start, end, flags, size;
	uint32_t orig, got, orig_hi;
	int bar, pos;

	for (bar = 0; bar < 6; bar++) {
		pos = PCI_BASE_ADDRESS_0 + 4 * bar;
		orig = vpt_cfg_read32(&self->dev, pos);
		ASSERT_EQ(0, vpt_sysfs_resource(self->dev.bdf, bar, &start,
						&end, &flags));
		size = end ? end - start + 1 : 0;

		ASSERT_EQ(0, vpt_cfg_write32(&self->dev, pos, ~0U));
		got = vpt_cfg_read32(&self->dev, pos);
		ASSERT_EQ(0, vpt_cfg_write32(&self->dev, pos, orig));

		if (!size) {
			/* Unimplemented: reads as zero, whatever is written */
			EXPECT_EQ(0, got) TH_LOG("BAR%d", bar);
			continue;
		}
		if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
			EXPECT_EQ(((uint32_t)~(size - 1) & ~3U) |
				  PCI_BASE_ADDRESS_SPACE_IO, got & ~2U)
				TH_LOG("BAR%d", bar);
			continue;
		}
		EXPECT_EQ((uint32_t)~(size - 1) | (orig & 0xf), got)
			TH_LOG("BAR%d size %#llx", bar,
			       (unsigned long long)size);

		if ((orig & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		    PCI_BASE_ADDRESS_MEM_TYPE_64) {
			/* The upper half of a 64-bit BAR sizes too. */
			bar++;
			pos += 4;
			orig_hi = vpt_cfg_read32(&self->dev, pos);
			ASSERT_EQ(0, vpt_cfg_write32(&self->dev, pos, ~0U));
			got = vpt_cfg_read32(&self->dev, pos);
			ASSERT_EQ(0, vpt_cfg_write32(&self->dev, pos, orig_hi));
			EXPECT_EQ((uint32_t)(~(size - 1) >> 32), got);
		}
	}
}

TEST_F(config, rom_bar_sizing)
{
	uint32_t orig, got;
	uint64_t size;

	size = vpt_sysfs_resource_size(self->dev.bdf, 6);
	orig = vpt_cfg_read32(&self->dev, PCI_ROM_ADDRESS);
	ASSERT_EQ(0, vpt_cfg_write32(&self->dev, PCI_ROM_ADDRESS, ~0U));
	got = vpt_cfg_read32(&self->dev, PCI_ROM_ADDRESS);
	ASSERT_EQ(0, vpt_cfg_write32(&self->dev, PCI_ROM_ADDRESS, orig));

	/* No ROM: reads as zero whatever is written */
	EXPECT_EQ(size ? (uint32_t)~(size - 1) | PCI_ROM_ADDRESS_ENABLE : 0,
		  got);
}

TEST_F(config, bar_cannot_move)
{
	uint32_t orig, host, moved, value;
	uint64_t size;

	size = vpt_sysfs_resource_size(self->dev.bdf, 0);
	if (!size || size > (1ULL << 30))
		SKIP(return, "BAR0 absent or too large to move");
	orig = vpt_cfg_read32(&self->dev, PCI_BASE_ADDRESS_0);
	value = vpt_bar_read32(&self->dev, 0, 0);

	/* Move it somewhere else, as far as the user can see. */
	moved = orig ^ 0x80000000;
	ASSERT_EQ(0, vpt_cfg_write32(&self->dev, PCI_BASE_ADDRESS_0, moved));
	EXPECT_EQ(moved, vpt_cfg_read32(&self->dev, PCI_BASE_ADDRESS_0));

	/* The device has not moved... */
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &host, 4,
				      PCI_BASE_ADDRESS_0));
	EXPECT_EQ(orig, host);
	/* ...and still answers where it was. */
	EXPECT_EQ(value, vpt_bar_read32(&self->dev, 0, 0));

	ASSERT_EQ(0, vpt_cfg_write32(&self->dev, PCI_BASE_ADDRESS_0, orig));
	EXPECT_EQ(orig, vpt_cfg_read32(&self->dev, PCI_BASE_ADDRESS_0));
}

TEST_F(config, read_only_fields)
{
	uint8_t before[16], after[16], ones[16];

	ASSERT_EQ(0, vpt_cfg_read(&self->dev, 0, before, sizeof(before)));
	memset(ones, 0xff, sizeof(ones));

	/* IDs, revision, class, header type: writes are dropped. */
	EXPECT_EQ(0, vpt_cfg_write(&self->dev, PCI_VENDOR_ID, ones, 4));
	EXPECT_EQ(0, vpt_cfg_write(&self->dev, PCI_CLASS_REVISION, ones, 4));
	EXPECT_EQ(0, vpt_cfg_write(&self->dev, PCI_HEADER_TYPE, ones, 1));
	ASSERT_EQ(0, vpt_cfg_read(&self->dev, 0, after, sizeof(after)));
	EXPECT_EQ(0, memcmp(before, after, 4));
	EXPECT_EQ(0, memcmp(before + 8, after + 8, 4));
	EXPECT_EQ(before[PCI_HEADER_TYPE], after[PCI_HEADER_TYPE]);

	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, after, 4, 0));
	EXPECT_EQ(0, memcmp(before, after, 4));
}

TEST_F(config, unaligned_access)
{
	uint8_t ref[PCI_STD_HEADER_SIZEOF], buf[8];
	unsigned int pos, len;

	ASSERT_EQ(0, vpt_cfg_read(&self->dev, 0, ref, sizeof(ref)));

	/*
	 * Any offset and length reads what aligned reads return: accesses
	 * are split so that no register is read beyond what was asked.
	 */
	for (pos = 0; pos < 0x10; pos++) {
		for (len = 1; len <= 8; len++) {
			memset(buf, 0xaa, sizeof(buf));
			ASSERT_EQ((ssize_t)len,
				  pread(self->dev.fd, buf, len,
					REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) +
					pos));
			if (pos + len <= PCI_STATUS || pos >= PCI_STATUS + 2)
				EXPECT_EQ(0, memcmp(ref + pos, buf, len))
					TH_LOG("%u bytes at %#x", len, pos);
		}
	}

	/* A read of nothing is no error. */
	EXPECT_EQ(0, pread(self->dev.fd, buf, 0,
			   REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX)));
}

TEST_F(config, out_of_range)
{
	uint8_t big[8];
	uint32_t val;
	void *bad;

	/* Past the end, or across it: refused as a bad address, like Linux */
	EXPECT_ERRNO(EFAULT, pread(self->dev.fd, &val, 4,
				   REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) +
				   self->cfg_size));
	EXPECT_ERRNO(EFAULT, pread(self->dev.fd, big, 8,
				   REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) +
				   self->cfg_size - 4));
	EXPECT_ERRNO(EFAULT, pwrite(self->dev.fd, &val, 4,
				    REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) +
				    self->cfg_size));
	/* The last dword is fine. */
	EXPECT_EQ(4, pread(self->dev.fd, &val, 4,
			   REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) +
			   self->cfg_size - 4));
	/* A user buffer that cannot be written */
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bad);
	EXPECT_ERRNO(EFAULT, pread(self->dev.fd, bad, 4,
				   REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX)));
	munmap(bad, 4096);
}

TEST_F(config, command_register)
{
	uint16_t cmd, host;

	cmd = vpt_cfg_read16(&self->dev, PCI_COMMAND);

	/* Bus mastering reaches the device. */
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd | PCI_COMMAND_MASTER));
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &host, 2, PCI_COMMAND));
	EXPECT_TRUE(host & PCI_COMMAND_MASTER);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd & ~PCI_COMMAND_MASTER));
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &host, 2, PCI_COMMAND));
	EXPECT_FALSE(host & PCI_COMMAND_MASTER);

	/* So does memory decode. */
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd & ~PCI_COMMAND_MEMORY));
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &host, 2, PCI_COMMAND));
	EXPECT_FALSE(host & PCI_COMMAND_MEMORY);
	EXPECT_FALSE(vpt_cfg_read16(&self->dev, PCI_COMMAND) &
		     PCI_COMMAND_MEMORY);

	/* INTx disable reads back as the user wrote it. */
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd | PCI_COMMAND_INTX_DISABLE));
	EXPECT_TRUE(vpt_cfg_read16(&self->dev, PCI_COMMAND) &
		    PCI_COMMAND_INTX_DISABLE);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd & ~PCI_COMMAND_INTX_DISABLE));
	EXPECT_FALSE(vpt_cfg_read16(&self->dev, PCI_COMMAND) &
		     PCI_COMMAND_INTX_DISABLE);

	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND, cmd));
	EXPECT_EQ(cmd, vpt_cfg_read16(&self->dev, PCI_COMMAND));
}

TEST_F(config, msi_is_virtual)
{
	uint16_t flags, host;
	uint32_t addr;
	int msi;

	msi = vpt_find_cap(&self->dev, PCI_CAP_ID_MSI);
	if (!msi)
		SKIP(return, "no MSI");

	/* Enabling MSI through config space does nothing... */
	flags = vpt_cfg_read16(&self->dev, msi + PCI_MSI_FLAGS);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, msi + PCI_MSI_FLAGS,
				     flags | PCI_MSI_FLAGS_ENABLE));
	EXPECT_FALSE(vpt_cfg_read16(&self->dev, msi + PCI_MSI_FLAGS) &
		     PCI_MSI_FLAGS_ENABLE);
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &host, 2,
				      msi + PCI_MSI_FLAGS));
	EXPECT_FALSE(host & PCI_MSI_FLAGS_ENABLE);

	/* ...and the message address the user writes stays with the user. */
	ASSERT_EQ(0, vpt_cfg_write32(&self->dev, msi + PCI_MSI_ADDRESS_LO,
				     0xfee01000));
	EXPECT_EQ(0xfee01000, vpt_cfg_read32(&self->dev,
					     msi + PCI_MSI_ADDRESS_LO));
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &addr, 4,
				      msi + PCI_MSI_ADDRESS_LO));
	EXPECT_NE(0xfee01000, addr);
}

TEST_F(config, msix_is_read_only)
{
	uint16_t flags;
	int msix;

	msix = vpt_find_cap(&self->dev, PCI_CAP_ID_MSIX);
	if (!msix)
		SKIP(return, "no MSI-X");
	flags = vpt_cfg_read16(&self->dev, msix + PCI_MSIX_FLAGS);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, msix + PCI_MSIX_FLAGS,
				     flags | PCI_MSIX_FLAGS_ENABLE));
	EXPECT_EQ(flags, vpt_cfg_read16(&self->dev, msix + PCI_MSIX_FLAGS));
}

TEST_F(config, pcie_payload_is_virtual)
{
	uint16_t ctl, host, new_ctl;
	int exp;

	exp = vpt_find_cap(&self->dev, PCI_CAP_ID_EXP);
	if (!exp)
		SKIP(return, "not PCI Express");

	ctl = vpt_cfg_read16(&self->dev, exp + PCI_EXP_DEVCTL);
	new_ctl = ctl ^ (1 << 5);	/* a different max payload size */
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, exp + PCI_EXP_DEVCTL, new_ctl));
	EXPECT_EQ(new_ctl, vpt_cfg_read16(&self->dev, exp + PCI_EXP_DEVCTL));
	/* The fabric's setting stays. */
	ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &host, 2,
				      exp + PCI_EXP_DEVCTL));
	EXPECT_EQ(ctl & PCI_EXP_DEVCTL_PAYLOAD, host & PCI_EXP_DEVCTL_PAYLOAD);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, exp + PCI_EXP_DEVCTL, ctl));
}

TEST_HARNESS_MAIN
