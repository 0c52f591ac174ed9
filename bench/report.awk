# report.awk: writes one output of the benchmark report from the
# records of bench/report.sh (see there): meta.tsv, results.tsv and
# boot.tsv, in that order, tab-separated.  Plain POSIX awk (mawk).
#
#   awk -F '\t' -v what=json|md|tcg|ratio -v date=... [-v probe=...] \
#       -f report.awk meta.tsv results.tsv boot.tsv
#
# json   results.json: the matrix, every cell, every op result with its
#        ratio to the never-paravirtualized build, the boot comparison
# md     report.md: the same as tables, targets first
# tcg    chart data: instructions per op under TCG icount, one column
#        per path
# ratio  chart data: ratio to nopv per op, one column per env/path
#
# Figures are strings as the guest printed them ("4.00"), so nothing is
# rounded twice; "-" means none.
#
# Where a KVM environment ran (a cell's accel: kvm or nested) labels it:
# an environment whose cells ran nested is "hv (nested)" in every table
# and in the chart, with the meaning of its figures (meta's accel note)
# next to them.  On a KVM host the labels are the plain names.

FNR == 1 { file++ }

file == 1 && $1 == "env"  { envs[++nenv] = $2; envdesc[$2] = $3; envdesc_nested[$2] = $4 }
file == 1 && $1 == "path" { paths[++npath] = $2; pathdesc[$2] = $3 }
file == 1 && $1 == "op"   { ops[++nop] = $2; unit[$2] = $3; sites[$2] = $4 }
file == 1 && $1 == "accel" { accelnote[$2] = $3 }

file == 2 && $1 == "cell" {
	k = $2 SUBSEP $3
	cst[k] = $4; creason[k] = $5; clog[k] = $6; csecs[k] = $7; caccel[k] = $8
	# the environment's accel: that of its cells that ran
	if ($4 == "ok" && $8 != "" && $8 != "-") {
		if (!($2 in eaccel)) eaccel[$2] = $8
		else if (eaccel[$2] != $8) eaccel[$2] = "mixed"
	}
}
file == 2 && $1 == "hdr" {
	k = $2 SUBSEP $3
	hdr[k] = 1; genv[k] = $4; gbuild[k] = $5; gmode[k] = $6
	gbackend[k] = $7; gscale[k] = $8; gbatches[k] = $9; gkhz[k] = $10
}
file == 2 && $1 == "op" {
	k = $2 SUBSEP $3 SUBSEP $4
	ost[k] = $5; oreason[k] = $6; on[k] = $8; obatches[k] = $9
	omin[k] = $10; omed[k] = $11; omax[k] = $12; oxmin[k] = $13; oxmed[k] = $14
}
file == 2 && $1 == "site" { skind[$2 SUBSEP $3 SUBSEP $4] = $5 }

file == 3 && $6 == "gap" { bootgap = $7 }
file == 3 && $6 != "gap" && NF >= 6 {
	nboot++
	bvmm[nboot] = $1; bwl[nboot] = $2; brun[nboot] = $3
	bwall[nboot] = $4; brss[nboot] = $5; bstatus[nboot] = $6; breason[nboot] = $7
}

END {
	for (i = 1; i <= nenv; i++)
		if (eaccel[envs[i]] == "nested" && envdesc_nested[envs[i]] != "")
			envdesc[envs[i]] = envdesc_nested[envs[i]]
	if (what == "json") json()
	else if (what == "md") md()
	else if (what == "tcg") chart_tcg()
	else if (what == "ratio") chart_ratio()
	else { print "report.awk: unknown output '" what "'" > "/dev/stderr"; exit 1 }
}

# ---- helpers ----

function jstr(s) {
	if (s == "" || s == "-") return "null"
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function jnum(v) { return (v == "" || v == "-") ? "null" : v + 0 }

function ok(e, p, o) { return ost[e SUBSEP p SUBSEP o] == "ok" }

# median / nopv median in the same environment, or "-".
function ratio(e, p, o,    a, b) {
	if (!ok(e, p, o) || !ok(e, "nopv", o)) return "-"
	a = omed[e SUBSEP p SUBSEP o]; b = omed[e SUBSEP "nopv" SUBSEP o]
	if (a == "-" || b == "-" || b + 0 <= 0) return "-"
	return sprintf("%.4f", a / b)
}

# How the sites of op o were left in cell e/p: native, indirect, or the
# patcher's kinds from the verbose table ("inline+nop").
function sitekind(e, p, o,    n, i, list, out, s, seen) {
	if (sites[o] == "") return "-"
	if (p == "nopv") return "native"
	if (p == "nopatch") return "indirect"
	n = split(sites[o], list, " ")
	out = ""
	for (i = 1; i <= n; i++) {
		s = skind[e SUBSEP p SUBSEP list[i]]
		if (s == "") s = "?"
		if (!(s in seen)) { out = out (out == "" ? "" : "+") s; seen[s] = 1 }
	}
	return out
}

function exact(e) { return e == "tcg" }

# An environment as tables and the chart name it: "hv (nested)" where
# its cells ran nested, else its name.
function envlabel(e) {
	if (eaccel[e] == "nested") return e " (nested)"
	if (eaccel[e] == "mixed") return e " (kvm and nested)"
	return e
}

# The sentence that goes next to the figures of a nested environment,
# with what one exit cost there (hcall_nop: lowest and highest median
# over the paths), or "".
function accelline(e,    j, k, s, c, lo, hi) {
	if (eaccel[e] != "nested" && eaccel[e] != "mixed") return ""
	s = "**" envlabel(e) "** " accelnote["nested"] "."
	lo = ""; hi = ""
	for (j = 1; j <= npath; j++) {
		k = e SUBSEP paths[j] SUBSEP "hcall_nop"
		if (ost[k] != "ok" || oxmed[k] + 0 <= 0) continue
		c = omed[k] / oxmed[k]
		if (lo == "" || c < lo) lo = c
		if (hi == "" || c > hi) hi = c
	}
	if (lo != "")
		s = s "  Here one exit (hcall_nop, median per path) took " fig(lo) \
			(hi > lo ? "–" fig(hi) : "") " TSC ticks."
	return s
}

# A figure for a table: as printed when exact or small, rounded when big.
function fig(v) {
	if (v == "-" || v == "") return "-"
	if (v + 0 >= 1000 || v + 0 <= -1000) return sprintf("%.0f", v)
	return v
}

# One cell of an env table: value, spread when noisy, ratio.
function mdval(e, p, o,    k, r, s) {
	k = e SUBSEP p SUBSEP o
	if (cst[e SUBSEP p] == "gap") return "gap"
	if (cst[e SUBSEP p] != "ok") return "**failed**"
	if (ost[k] == "skip") return "skip"
	if (ost[k] != "ok") return "**" ost[k] "**"
	s = fig(omed[k])
	if (!exact(e) && omin[k] != omax[k]) s = s " [" fig(omin[k]) "–" fig(omax[k]) "]"
	r = ratio(e, p, o)
	if (p != "nopv" && r != "-") s = s " (×" sprintf("%.2f", r) ")"
	return s
}

function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

# Boot figures of vmm/workload: sets B_n, B_med, B_min, B_max, B_rss, B_bad.
function bootstats(vmm, wl,    i, n, w, r, lo, hi) {
	n = 0; B_bad = 0; lo = ""; hi = ""
	for (i = 1; i <= nboot; i++) {
		if (bvmm[i] != vmm || bwl[i] != wl) continue
		if (bstatus[i] != 33) { B_bad++; continue }
		n++; w[n] = bwall[i]; r[n] = brss[i]
		if (lo == "" || bwall[i] + 0 < lo + 0) lo = bwall[i]
		if (hi == "" || bwall[i] + 0 > hi + 0) hi = bwall[i]
	}
	B_n = n; B_min = lo; B_max = hi
	B_med = n ? median(w, n) : "-"; B_rss = n ? median(r, n) : "-"
}

# ---- results.json ----

function json(    i, j, o, e, p, k, c, sep, vm, wl) {
	print "{"
	print "  \"schema\": \"pvbench/1\","
	print "  \"generated\": " jstr(date) ","
	print "  \"units\": \"TSC ticks per unit (under tcg, with -icount shift=0, one tick is one guest instruction); exits: hv exits per unit\","
	print "  \"kvm_probe\": " jstr(probe) ","
	print "  \"environments\": ["
	for (i = 1; i <= nenv; i++) {
		e = envs[i]
		printf "    {\"name\": %s, \"description\": %s, \"accel\": %s, \"label\": %s, \"note\": %s}%s\n",
			jstr(e), jstr(envdesc[e]), jstr(eaccel[e]), jstr(envlabel(e)),
			jstr(eaccel[e] == "nested" || eaccel[e] == "mixed" ? accelnote["nested"] : ""), i < nenv ? "," : ""
	}
	print "  ],"
	print "  \"paths\": ["
	for (i = 1; i <= npath; i++)
		printf "    {\"name\": %s, \"description\": %s}%s\n", jstr(paths[i]), jstr(pathdesc[paths[i]]), i < npath ? "," : ""
	print "  ],"
	print "  \"ops\": ["
	for (i = 1; i <= nop; i++)
		printf "    {\"name\": %s, \"unit\": %s, \"pvops\": %s}%s\n", jstr(ops[i]), jstr(unit[ops[i]]), jstr(sites[ops[i]]), i < nop ? "," : ""
	print "  ],"
	print "  \"cells\": ["
	sep = ""
	for (i = 1; i <= nenv; i++) for (j = 1; j <= npath; j++) {
		e = envs[i]; p = paths[j]; c = e SUBSEP p
		printf "%s    {\"env\": %s, \"path\": %s, \"status\": %s, \"reason\": %s, \"log\": %s, \"seconds\": %s, \"accel\": %s", sep,
			jstr(e), jstr(p), jstr(c in cst ? cst[c] : "missing"),
			jstr(c in cst ? creason[c] : "no record of this cell"), jstr(clog[c]), jnum(csecs[c]), jstr(caccel[c])
		if (c in hdr)
			printf ", \"guest\": {\"env\": %s, \"build\": %s, \"mode\": %s, \"backend\": %s, \"scale\": %s, \"batches\": %s, \"tsc_khz\": %s}",
				jstr(genv[c]), jstr(gbuild[c]), jstr(gmode[c]), jstr(gbackend[c]), jstr(gscale[c]), jnum(gbatches[c]), jnum(gkhz[c])
		printf "}"
		sep = ",\n"
	}
	print "\n  ],"
	print "  \"results\": ["
	sep = ""
	for (i = 1; i <= nenv; i++) for (j = 1; j <= npath; j++) for (o = 1; o <= nop; o++) {
		e = envs[i]; p = paths[j]; k = e SUBSEP p SUBSEP ops[o]
		if (!(k in ost)) continue
		printf "%s    {\"env\": %s, \"path\": %s, \"op\": %s, \"status\": %s, \"reason\": %s, \"unit\": %s, \"site\": %s, \"n\": %s, \"batches\": %s, \"min\": %s, \"median\": %s, \"max\": %s, \"exits_min\": %s, \"exits_median\": %s, \"ratio_to_nopv\": %s}", sep,
			jstr(e), jstr(p), jstr(ops[o]), jstr(ost[k]), jstr(oreason[k]), jstr(unit[ops[o]]),
			jstr(sitekind(e, p, ops[o])), jnum(on[k]), jnum(obatches[k]), jnum(omin[k]), jnum(omed[k]),
			jnum(omax[k]), jnum(oxmin[k]), jnum(oxmed[k]), jnum(ratio(e, p, ops[o]))
		sep = ",\n"
	}
	print "\n  ],"
	printf "  \"boot\": {\"status\": %s, \"reason\": %s, \"summary\": [\n", jstr(bootgap != "" ? "gap" : (nboot ? "ok" : "missing")), jstr(bootgap)
	sep = ""
	split("test demo", wls, " "); split("hv qemu-kvm", vms, " ")
	for (i = 1; i <= 2; i++) for (j = 1; j <= 2; j++) {
		wl = wls[i]; vm = vms[j]
		bootstats(vm, wl)
		if (B_n + B_bad == 0) continue
		printf "%s    {\"vmm\": %s, \"workload\": %s, \"runs\": %d, \"failed_runs\": %d, \"wall_ms_median\": %s, \"wall_ms_min\": %s, \"wall_ms_max\": %s, \"maxrss_kb_median\": %s}",
			sep, jstr(vm), jstr(wl), B_n, B_bad, jnum(B_med), jnum(B_min), jnum(B_max), jnum(B_rss)
		sep = ",\n"
	}
	print "\n  ], \"runs\": ["
	for (i = 1; i <= nboot; i++)
		printf "    {\"vmm\": %s, \"workload\": %s, \"run\": %s, \"wall_ms\": %s, \"maxrss_kb\": %s, \"status\": %s}%s\n",
			jstr(bvmm[i]), jstr(bwl[i]), jnum(brun[i]), jnum(bwall[i]), jnum(brss[i]), jnum(bstatus[i]), i < nboot ? "," : ""
	print "  ]}"
	print "}"
}

# ---- report.md ----

function md(    i) {
	print "# Benchmark report"
	print ""
	print "Generated " date " by `make bench` (bench/run.sh).  How to read it: bench/README.md."
	print "Figures are TSC ticks per unit; under QEMU TCG with `-icount shift=0` a tick is one guest"
	print "instruction and every figure is exact.  Simple ops are net of their loop; `(×r)` is the"
	print "ratio to the never-paravirtualized build (medians); noisy figures show `median [min–max]`."
	print ""
	for (i = 1; i <= nenv; i++)
		if (accelline(envs[i]) != "") { print accelline(envs[i]); print "" }
	md_matrix()
	md_targets()
	md_envs()
	md_ratios()
	md_macro()
	md_exits()
	md_boot()
	md_gaps()
}

function md_matrix(    i, j, c, s, line) {
	print "## Matrix"
	print ""
	line = "| path |"; s = "| --- |"
	for (i = 1; i <= nenv; i++) { line = line " " envlabel(envs[i]) " |"; s = s " --- |" }
	print line; print s
	for (j = 1; j <= npath; j++) {
		line = "| " paths[j] " |"
		for (i = 1; i <= nenv; i++) {
			c = envs[i] SUBSEP paths[j]
			if (!(c in cst)) line = line " **no record** |"
			else if (cst[c] == "ok") line = line " ran (" csecs[c] " s, backend " gbackend[c] ") |"
			else if (cst[c] == "gap") line = line " gap |"
			else line = line " **failed**: " creason[c] " |"
		}
		print line
	}
	print ""
	for (i = 1; i <= nenv; i++) print "- **" envlabel(envs[i]) "**: " envdesc[envs[i]]
	for (j = 1; j <= npath; j++) print "- **" paths[j] "**: " pathdesc[paths[j]]
	print ""
}

function md_targets(    o, a, b, c, t, k, x, y, site, tsite, inl, met, met1, nso, tmp, r, v) {
	print "## Targets: patched native against never-paravirtualized (QEMU TCG icount)"
	print ""
	if (!(("tcg" SUBSEP "nopv") in hdr) || !(("tcg" SUBSEP "patched") in hdr)) {
		print "Not available: the tcg nopv and patched cells did not both run (see Gaps)."
		print ""
		return
	}
	print "Instructions per unit, one run.  *site* is how the patcher left the op's call sites in"
	print "the patched kernel (and under the test ROM: rom-inline = the ROM's inline bytes, call ="
	print "a CALL into the ROM, inline = native); the targets: at most one extra instruction per op"
	print "(a unit of irq_pair or save_restore_fl is two ops) where the sites are inlined, and zero"
	print "where a longer encoding fits the site."
	print ""
	print "| op | unit | site (patched) | nopv | patched | extra | nopatch | extra | testrom | site (testrom) | target |"
	print "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
	inl = 0; met = 0; met1 = 0
	for (o = 1; o <= nop; o++) {
		a = "tcg" SUBSEP "nopv" SUBSEP ops[o]; b = "tcg" SUBSEP "patched" SUBSEP ops[o]
		c = "tcg" SUBSEP "nopatch" SUBSEP ops[o]; t = "tcg" SUBSEP "testrom" SUBSEP ops[o]
		if (ost[a] != "ok" || ost[b] != "ok") continue
		site = sitekind("tcg", "patched", ops[o])
		tsite = ost[t] == "ok" ? sitekind("tcg", "testrom", ops[o]) : "-"
		x = sprintf("%+.2f", omed[b] - omed[a])
		y = ost[c] == "ok" ? sprintf("%+.2f", omed[c] - omed[a]) : "-"
		# issue 13: +0 where a longer encoding fits, else at most +1
		# per op the unit runs (irq_pair and save_restore_fl: two)
		v = "-"
		if (site == "inline") {
			inl++
			nso = split(sites[ops[o]], tmp, " ")
			if (omed[b] - omed[a] <= 0.005) { met++; met1++; v = "+0 met" }
			else if (omed[b] - omed[a] <= nso + 0.005) { met1++; v = "+1/op met, +0 missed" }
			else v = "missed"
		}
		print "| " ops[o] " | " unit[ops[o]] " | " site " | " omed[a] " | " omed[b] " | " x " | " \
			(ost[c] == "ok" ? omed[c] : "-") " | " y " | " (ost[t] == "ok" ? omed[t] : "-") " | " \
			tsite " | " v " |"
	}
	print ""
	print "Inlined sites at zero extra instructions: " met " of " inl " ops; at most one extra per op: " met1 " of " inl "."
	print ""
	r = ratio("tcg", "patched", "lat_mmap")
	if (r != "-")
		printf "Macro workload (lat_mmap, per page): patched / nopv = %.4f (%+.2f%%); target within 0.5%%: **%s**.\n",
			r, (r - 1) * 100, (r - 1 <= 0.005 && 1 - r <= 0.005) ? "met" : "missed"
	r = ratio("tcg", "patched", "proc_switch")
	if (r != "-")
		printf "Macro workload (proc_switch): patched / nopv = %.4f (%+.2f%%); target within 1%%: **%s**.\n",
			r, (r - 1) * 100, (r - 1 <= 0.01) ? "met" : "missed"
	r = ratio("tcg", "patched", "pte_lazy512")
	if (r != "-")
		printf "512 lazy pte writes: patched / nopv = %.4f (%+.2f%%); target within 5%%: **%s**.\n",
			r, (r - 1) * 100, (r - 1 <= 0.05) ? "met" : "missed"
	r = ratio("tcg", "nopatch", "lat_mmap")
	if (r != "-") printf "Unpatched (indirect calls) for comparison: nopatch / nopv = %.4f (%+.2f%%).\n", r, (r - 1) * 100
	print ""
}

function md_envs(    i, j, o, e, line, s) {
	print "## Per op, every path, every environment"
	print ""
	for (i = 1; i <= nenv; i++) {
		e = envs[i]
		print "### " envlabel(e) ": " envdesc[e]
		print ""
		if (accelline(e) != "") { print accelline(e); print "" }
		line = "| op | unit |"; s = "| --- | --- |"
		for (j = 1; j <= npath; j++) { line = line " " paths[j] " |"; s = s " ---: |" }
		print line; print s
		for (o = 1; o <= nop; o++) {
			line = "| " ops[o] " | " unit[ops[o]] " |"
			for (j = 1; j <= npath; j++) line = line " " mdval(e, paths[j], ops[o]) " |"
			print line
		}
		print ""
	}
}

function md_ratios(    i, j, o, line, s, r, any) {
	print "## Ratio to never-paravirtualized (medians)"
	print ""
	line = "| op |"; s = "| --- |"
	for (i = 1; i <= nenv; i++) for (j = 2; j <= npath; j++) {
		line = line " " envlabel(envs[i]) "/" paths[j] " |"; s = s " ---: |"
	}
	print line; print s
	for (o = 1; o <= nop; o++) {
		line = "| " ops[o] " |"
		for (i = 1; i <= nenv; i++) for (j = 2; j <= npath; j++) {
			r = ratio(envs[i], paths[j], ops[o])
			line = line " " (r == "-" ? "-" : sprintf("%.3f", r)) " |"
		}
		print line
	}
	print ""
}

function md_macro(    i, j, m, e, line, s, list, nm) {
	print "## Macro workloads"
	print ""
	print "lat_mmap maps, touches and unmaps fresh zeroed pages in lazy-MMU batches of 64 (per page);"
	print "proc_spawn creates, runs (100 yields) and reaps a process; proc_switch is the cost of one"
	print "switch between processes (two processes yielding minus one alone)."
	print ""
	nm = split("lat_mmap proc_spawn proc_switch", list, " ")
	line = "| workload | env |"; s = "| --- | --- |"
	for (j = 1; j <= npath; j++) { line = line " " paths[j] " |"; s = s " ---: |" }
	print line; print s
	for (m = 1; m <= nm; m++) for (i = 1; i <= nenv; i++) {
		e = envs[i]
		line = "| " list[m] " | " envlabel(e) " |"
		for (j = 1; j <= npath; j++) line = line " " mdval(e, paths[j], list[m]) " |"
		print line
	}
	print ""
}

function md_exits(    j, o, k, line, s, c) {
	print "## " envlabel("hv") ": exits per unit (exact)"
	print ""
	print "From hv's stats port, read in the guest around each batch (median over batches)."
	if (accelline("hv") != "") { print ""; print accelline("hv") }
	print ""
	line = "| op |"; s = "| --- |"
	for (j = 1; j <= npath; j++) { line = line " " paths[j] " |"; s = s " ---: |" }
	print line; print s
	for (o = 1; o <= nop; o++) {
		line = "| " ops[o] " |"
		for (j = 1; j <= npath; j++) {
			c = "hv" SUBSEP paths[j]; k = c SUBSEP ops[o]
			if (cst[c] != "ok") line = line " gap |"
			else if (ost[k] == "ok") line = line " " oxmed[k] " |"
			else line = line " " ost[k] " |"
		}
		print line
	}
	print ""
}

function md_boot(    i, j, vm, wl, vms, wls, h, q) {
	print "## hv against QEMU KVM: boot time and peak memory"
	print ""
	if (bootgap != "") { print "Gap: " bootgap; print ""; return }
	if (!nboot) { print "No boot figures recorded."; print ""; return }
	print "Whole runs, process start to exit (`test`: the kernel's self-tests; `demo`: a plain boot"
	print "that runs one user program).  Peak RSS is the VMM process's maximum resident set."
	print ""
	print "| workload | VMM | runs | wall ms, median | min–max | peak RSS MiB, median |"
	print "| --- | --- | ---: | ---: | ---: | ---: |"
	split("test demo", wls, " "); split("hv qemu-kvm", vms, " ")
	for (i = 1; i <= 2; i++) for (j = 1; j <= 2; j++) {
		bootstats(vms[j], wls[i])
		if (B_n + B_bad == 0) continue
		printf "| %s | %s | %d%s | %s | %s–%s | %s |\n", wls[i], vms[j], B_n,
			B_bad ? " (+" B_bad " failed)" : "", B_med, B_min, B_max,
			B_rss == "-" ? "-" : sprintf("%.1f", B_rss / 1024)
	}
	print ""
	for (i = 1; i <= 2; i++) {
		bootstats("hv", wls[i]); h = B_med; hr = B_rss
		bootstats("qemu-kvm", wls[i]); q = B_med
		if (h != "-" && q != "-" && h + 0 > 0)
			printf "%s: hv takes %.2f× less wall time than QEMU KVM (%s vs %s ms) and %s× less memory.\n",
				wls[i], q / h, h, q, (hr != "-" && hr + 0 > 0 && B_rss != "-") ? sprintf("%.1f", B_rss / hr) : "?"
	}
	print ""
}

function md_gaps(    i, j, o, c, k, n) {
	print "## Gaps and skips"
	print ""
	n = 0
	for (i = 1; i <= nenv; i++) for (j = 1; j <= npath; j++) {
		c = envs[i] SUBSEP paths[j]
		if (!(c in cst)) { print "- " envs[i] "/" paths[j] ": no record of this cell"; n++; continue }
		if (cst[c] != "ok") { print "- " envs[i] "/" paths[j] ": " cst[c] ": " creason[c]; n++; continue }
		for (o = 1; o <= nop; o++) {
			k = c SUBSEP ops[o]
			if (ost[k] != "ok") { print "- " envs[i] "/" paths[j] " op " ops[o] ": " ost[k] ": " oreason[k]; n++ }
		}
	}
	if (bootgap != "") { print "- boot comparison: " bootgap; n++ }
	if (!n) print "None."
	print ""
}

# ---- chart data ----

# One column per path that can run under TCG (the hv ROMs cannot).
function chart_tcg(    o, j, line, k, v, use, n) {
	line = "op"; n = 0
	for (j = 1; j <= npath; j++)
		if (paths[j] != "xenlike" && paths[j] != "vmwarelike") { use[++n] = paths[j]; line = line "\t" paths[j] }
	print line
	for (o = 1; o <= nop; o++) {
		line = ops[o]
		for (j = 1; j <= n; j++) {
			k = "tcg" SUBSEP use[j] SUBSEP ops[o]
			v = (ost[k] == "ok" && omed[k] + 0 > 0) ? omed[k] : "?"
			line = line "\t" v
		}
		print line
	}
}

function chart_ratio(    o, i, j, line, r, use, n) {
	line = "op"; n = 0
	for (i = 1; i <= nenv; i++) for (j = 2; j <= npath; j++)
		if (cst[envs[i] SUBSEP paths[j]] == "ok") { use[++n] = envs[i] SUBSEP paths[j]; line = line "\t" envlabel(envs[i]) "/" paths[j] }
	if (!n) line = line "\tnone"
	print line
	for (o = 1; o <= nop; o++) {
		if (ops[o] == "loop") continue
		line = ops[o]
		for (i = 1; i <= n; i++) {
			split(use[i], ep, SUBSEP)
			r = ratio(ep[1], ep[2], ops[o])
			line = line "\t" ((r == "-" || r + 0 <= 0) ? "?" : r)
		}
		if (!n) line = line "\t?"
		print line
	}
}
