set terminal pngcairo size 800,400
set output "ttb.png"
set logscale y
set ylabel "executions to first violation"
set xtics ("libFuzzer" 0, "AFL++" 1, "no feedback" 2)
set xrange [-0.5:2.5]
set title "Time to bug (virq), one point per seed"
plot "ttb.dat" using ($1+0.1*(rand(0)-0.5)):2 with points pt 7 notitle
