/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * net_vfbc_pf: the Physical Function. It owns every VF's config blocks and
 * region, and is the uplink port of the VFs.
 */

#include <rte_random.h>
#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_pf.h"
#include "vfbc_rxtx.h"
#include "vfbc_wellknown.h"
#include "vfbc_xstats.h"

static int vfbc_pf_dev_close(struct rte_eth_dev *dev);

/* The VFs' links follow the PF port: their watchers hear of it at once. */
static void
set_uplink(struct rte_eth_dev *dev, bool up)
{
	struct vfbc_pf *pf = dev->data->dev_private;
	uint16_t i;

	for (i = 0; i < pf->num_vfs; i++)
		vfbc_pf_mbox_set_uplink(&pf->vfs[i].mbox, up);
}

static int
vfbc_pf_dev_start(struct rte_eth_dev *dev)
{
	set_uplink(dev, true);
	return vfbc_ethdev_set_link(dev, true);
}

static int
vfbc_pf_dev_stop(struct rte_eth_dev *dev)
{
	set_uplink(dev, false);
	return vfbc_ethdev_set_link(dev, false);
}

static int
vfbc_pf_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct vfbc_pf *pf = dev->data->dev_private;

	vfbc_ethdev_infos_get(dev, info);
	vfbc_ethdev_infos_rings(info, &pf->params.rings);
	return 0;
}

static int
vfbc_pf_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	return 0;
}

static const struct eth_dev_ops vfbc_pf_ops = {
	.dev_configure = vfbc_ethdev_configure,
	.dev_start = vfbc_pf_dev_start,
	.dev_stop = vfbc_pf_dev_stop,
	.dev_close = vfbc_pf_dev_close,
	.dev_infos_get = vfbc_pf_infos_get,
	.link_update = vfbc_pf_link_update,
	.mtu_set = vfbc_ethdev_mtu_set,
	.rx_queue_setup = vfbc_pf_rx_queue_setup,
	.tx_queue_setup = vfbc_pf_tx_queue_setup,
	.rx_queue_release = vfbc_rx_queue_release,
	.tx_queue_release = vfbc_tx_queue_release,
	VFBC_ETHDEV_COMMON_OPS,
	.eth_dev_priv_dump = vfbc_pf_priv_dump,
};

struct vfbc_pf *
vfbc_pf_from_port(uint16_t port_id)
{
	return vfbc_ethdev_private_of(port_id, &vfbc_pf_ops);
}

/* Blocks loaded from the store file keep their definitions and contents. */
static int
define_devarg_blocks(struct vfbc_pf *pf, struct vfbc_pf_vf *vf, bool loaded)
{
	uint32_t i;
	int ret;

	for (i = 0; i < pf->params.nb_blocks; i++) {
		const struct vfbc_pf_block_def *b = &pf->params.blocks[i];

		ret = vfbc_store_define(&vf->store, b->id, b->capacity, b->flags);
		if (ret == -EEXIST && loaded)
			continue;
		if (ret < 0) {
			VFBC_LOG(ERR, "%s: cannot define block %#x from devargs: %s",
					pf->dev->data->name, b->id, rte_strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* The VF's MAC from vf_mac=, else a stable locally administered one. */
static int
define_wellknown_blocks(struct vfbc_pf *pf, uint16_t idx, bool loaded)
{
	struct vfbc_block_info bi;
	struct rte_ether_addr mac;
	int ret;

	if (loaded && vfbc_store_info(&pf->vfs[idx].store, RTE_PMD_VFBC_BLOCK_ID_MAC, &bi) == 0)
		return 0;

	if (pf->params.vf_mac_set[idx])
		mac = pf->params.vf_mac[idx];
	else
		vfbc_ethdev_make_mac(&mac, pf->dev->data->name, idx);
	ret = vfbc_wk_define(&pf->vfs[idx].store, &mac, vfbc_wk_ring_max_mtu(
			pf->params.rings.buf_size, VFBC_MIN_MTU, VFBC_MAX_MTU));
	if (ret < 0)
		VFBC_LOG(ERR, "%s: cannot define the well-known blocks of VF %u: %s",
				pf->dev->data->name, idx, rte_strerror(-ret));
	return ret;
}

static int
vf_setup(struct vfbc_pf *pf, uint16_t idx, uint64_t generation)
{
	struct vfbc_pf_vf *vf = &pf->vfs[idx];
	const char *name = pf->dev->data->name;
	struct vfbc_region_params rp = {
		.vf_index = idx,
		.num_vfs = pf->num_vfs,
		.mbox_depth = pf->params.mbox_depth,
		.slot_data_max = pf->params.mbox_slot_size,
		.generation = generation,
		.rings = pf->params.rings,
	};
	bool durable = pf->params.store_dir[0] != '\0', loaded = false;
	char path[PATH_MAX];
	int ret;

	ret = vfbc_store_init(&vf->store, pf->params.max_blocks, pf->params.max_block_size);
	vf->store.change_count = &pf->port_changes;
	vf->store.change_mask = UINT64_C(1) << RTE_PMD_VFBC_BLOCK_ID_MAC |
		UINT64_C(1) << RTE_PMD_VFBC_BLOCK_ID_VPORT;
	if (ret == 0 && durable)
		ret = vfbc_pf_store_open(pf, idx, &loaded);
	if (ret == 0)
		ret = define_wellknown_blocks(pf, idx, loaded);
	if (ret == 0)
		ret = define_devarg_blocks(pf, vf, loaded);
	if (ret == 0 && durable)
		ret = vfbc_pf_store_start(pf, idx);
	if (ret < 0)
		return ret;
	ret = vfbc_region_path(path, sizeof(path), pf->params.region_dir, name, idx);
	if (ret == 0)
		ret = vfbc_region_create(&vf->region, path, &rp);
	if (ret == -EADDRINUSE) {
		VFBC_LOG(ERR, "%s: region %s belongs to a running PF; not taking it over",
				name, path);
		return ret;
	}
	if (ret < 0) {
		VFBC_LOG(ERR, "%s: cannot create region %s: %s", name, path, rte_strerror(-ret));
		return ret;
	}
	ret = vfbc_pf_mbox_init(&vf->mbox, &vf->region, &vf->store, idx);
	if (ret < 0)
		return ret;
	vf->mbox.policy = vfbc_pf_policy;
	vf->mbox.policy_ctx = pf->dev;
	vf->mbox.notify_reads = pf->params.notify_reads;
	return vfbc_pf_mbox_set_limits(&vf->mbox, &(struct vfbc_pf_limits){
		.rate = pf->params.vf_rate,
		.burst = pf->params.vf_burst,
		.max_outstanding = pf->params.vf_outstanding,
		.quarantine_after = pf->params.quarantine_after,
	});
}

static void
vfs_teardown(struct vfbc_pf *pf)
{
	uint16_t i;

	if (pf->vfs == NULL)
		return;
	for (i = 0; i < pf->num_vfs; i++) {
		vfbc_region_destroy(&pf->vfs[i].region);
		vfbc_pf_mbox_fini(&pf->vfs[i].mbox);
		vfbc_pf_store_close(&pf->vfs[i]);
		vfbc_store_fini(&pf->vfs[i].store);
	}
	rte_free(pf->vfs);
	pf->vfs = NULL;
}

static int
vfs_setup(struct vfbc_pf *pf)
{
	uint64_t generation = rte_rand() | 1;
	uint16_t i;
	int ret;

	pf->vfs = rte_zmalloc_socket("vfbc_pf_vfs", sizeof(*pf->vfs) * pf->num_vfs,
			RTE_CACHE_LINE_SIZE, pf->dev->device->numa_node);
	if (pf->vfs == NULL)
		return -ENOMEM;
	/* Teardown after a failure looks at every VF. */
	for (i = 0; i < pf->num_vfs; i++)
		pf->vfs[i].persist.dirfd = -1;
	for (i = 0; i < pf->num_vfs; i++) {
		pf->vfs[i].region.fd = -1;
		ret = vf_setup(pf, i, generation);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Release everything the PF holds; idempotent, so close and remove can share it. */
static void
vfbc_pf_release(struct vfbc_pf *pf, bool removing)
{
	if (pf->closed)
		return;
	pf->closed = true;
	/* No runner may touch a VF once the regions go away; the decision
	 * thread is fed by the service, so it stops after it.
	 */
	vfbc_pf_service_stop(pf, removing);
	vfbc_pf_decide_stop(pf);
	vfs_teardown(pf);
}

static void
vfbc_pf_close(struct rte_eth_dev *dev, bool removing)
{
	vfbc_pf_release(dev->data->dev_private, removing);
	vfbc_ethdev_release_queues(dev);
}

static int
vfbc_pf_dev_close(struct rte_eth_dev *dev)
{
	vfbc_pf_close(dev, false);
	return 0;
}

static int
vfbc_pf_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct vfbc_pf_params params;
	struct rte_ether_addr mac;
	struct rte_eth_dev *dev;
	struct vfbc_pf *pf;
	uint16_t i;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VFBC_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = vfbc_pf_parse_devargs(name, rte_vdev_device_args(vdev), &params);
	if (ret < 0)
		return ret;
	dev = rte_eth_vdev_allocate(vdev, sizeof(*pf));
	if (dev == NULL)
		return -ENOMEM;
	pf = dev->data->dev_private;
	pf->port.is_pf = true;
	pf->dev = dev;
	pf->params = params;
	pf->num_vfs = params.num_vfs;
	rte_spinlock_init(&pf->serve_lock);
	dev->dev_ops = &vfbc_pf_ops;
	vfbc_ethdev_make_mac(&mac, name, UINT16_MAX);
	ret = vfbc_ethdev_init(dev, &mac);
	dev->rx_pkt_burst = vfbc_pf_rx_burst;
	dev->tx_pkt_burst = vfbc_pf_tx_burst;
	if (ret == 0)
		ret = vfs_setup(pf);
	if (ret == 0)
		ret = vfbc_pf_decide_start(pf);
	if (ret == 0)
		ret = vfbc_pf_service_start(pf);
	if (ret < 0) {
		vfbc_pf_release(pf, false);
		rte_eth_dev_release_port(dev);
		return ret;
	}
	for (i = 0; i < pf->num_vfs; i++)
		vfbc_region_set_ready(&pf->vfs[i].region);
	rte_eth_dev_probing_finish(dev);
	VFBC_LOG(INFO, "%s: port %u, %u VFs, regions in %s", name, dev->data->port_id,
			pf->num_vfs, params.region_dir);
	return 0;
}

static int
vfbc_pf_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;
	vfbc_pf_close(dev, true);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver vfbc_pf_driver = {
	.probe = vfbc_pf_probe,
	.remove = vfbc_pf_remove,
};

RTE_PMD_REGISTER_VDEV(VFBC_PF_DRIVER_NAME, vfbc_pf_driver);
RTE_PMD_REGISTER_PARAM_STRING(VFBC_PF_DRIVER_NAME,
	"num_vfs=<1-256> "
	"region_dir=<path> "
	"mbox_depth=<power of 2, 1-4096> "
	"max_block_size=<bytes> "
	"mbox_slot_size=<bytes> "
	"max_blocks=<int> "
	"mbox_burst=<int> "
	"poll=auto|service|thread "
	"notify_reads=0|1 "
	"store=<directory> "
	"block=<id>:<capacity>[:r|w|rw|none] "
	"vf_mac=<vf>/<MAC address> "
	"ring_size=<power of 2, 2-32768> "
	"pkt_buf_size=<multiple of 64, 64-65536> "
	"queues=<1-16> "
	"decide=async|sync "
	"decide_threads=<1-16> "
	"vf_rate=<requests per second> "
	"vf_burst=<requests> "
	"vf_outstanding=<1-mbox_depth> "
	"quarantine_after=<invalid requests>");
