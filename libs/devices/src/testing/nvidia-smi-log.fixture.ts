/**
 * `nvidia-smi -q -x` as recorded from a two-GPU host (driver 550, trimmed to the sections
 * Switchyard reads plus their neighbours). The second GPU reports N/A for utilisation and power,
 * like a GPU in a power-saving state or a MIG-enabled board does.
 */
export const NVIDIA_SMI_LOG_XML = `<?xml version="1.0" ?>
<!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v12.dtd">
<nvidia_smi_log>
	<timestamp>Tue Mar 11 09:14:02 2025</timestamp>
	<driver_version>550.54.15</driver_version>
	<cuda_version>12.4</cuda_version>
	<attached_gpus>2</attached_gpus>
	<gpu id="00000000:18:00.0">
		<product_name>NVIDIA H100 80GB HBM3</product_name>
		<product_brand>NVIDIA</product_brand>
		<product_architecture>Hopper</product_architecture>
		<display_mode>Disabled</display_mode>
		<persistence_mode>Enabled</persistence_mode>
		<mig_mode>
			<current_mig>Disabled</current_mig>
			<pending_mig>Disabled</pending_mig>
		</mig_mode>
		<serial>1654922004310</serial>
		<uuid>GPU-5d1c6a9e-2b1f-4f57-9c57-0d5fb8b8a8e1</uuid>
		<minor_number>0</minor_number>
		<vbios_version>96.00.74.00.01</vbios_version>
		<fb_memory_usage>
			<total>81559 MiB</total>
			<reserved>553 MiB</reserved>
			<used>1024 MiB</used>
			<free>79982 MiB</free>
		</fb_memory_usage>
		<bar1_memory_usage>
			<total>131072 MiB</total>
			<used>1 MiB</used>
			<free>131071 MiB</free>
		</bar1_memory_usage>
		<compute_mode>Default</compute_mode>
		<utilization>
			<gpu_util>37 %</gpu_util>
			<memory_util>12 %</memory_util>
			<encoder_util>0 %</encoder_util>
			<decoder_util>0 %</decoder_util>
		</utilization>
		<temperature>
			<gpu_temp>41 C</gpu_temp>
			<gpu_temp_tlimit>46 C</gpu_temp_tlimit>
			<gpu_temp_max_threshold>92 C</gpu_temp_max_threshold>
			<memory_temp>48 C</memory_temp>
		</temperature>
		<gpu_power_readings>
			<power_state>P0</power_state>
			<power_draw>119.41 W</power_draw>
			<current_power_limit>700.00 W</current_power_limit>
			<default_power_limit>700.00 W</default_power_limit>
		</gpu_power_readings>
		<processes>
		</processes>
	</gpu>
	<gpu id="00000000:3B:00.0">
		<product_name>NVIDIA A10</product_name>
		<product_brand>NVIDIA</product_brand>
		<product_architecture>Ampere</product_architecture>
		<uuid>GPU-0e2f6c1a-77d4-4b0e-a3a1-3c5e27f9b402</uuid>
		<minor_number>1</minor_number>
		<fb_memory_usage>
			<total>23028 MiB</total>
			<reserved>478 MiB</reserved>
			<used>N/A</used>
			<free>22549 MiB</free>
		</fb_memory_usage>
		<utilization>
			<gpu_util>N/A</gpu_util>
			<memory_util>N/A</memory_util>
		</utilization>
		<temperature>
			<gpu_temp>33 C</gpu_temp>
		</temperature>
		<power_readings>
			<power_state>P8</power_state>
			<power_draw>[Not Supported]</power_draw>
		</power_readings>
		<processes>
		</processes>
	</gpu>
</nvidia_smi_log>
`;
